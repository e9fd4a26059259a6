/**
 * Per-chat outgoing queue: messages to one chat leave in order, at least `minIntervalMs` (+ random jitter)
 * apart; different chats do not wait for each other. Used by the WeChat channel, where fast bursts get
 * accounts limited. (Telegram uses grammY's throttler plugin instead.)
 */
export interface QueueOptions {
  minIntervalMs: number;
  jitterMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onError?: (e: unknown) => void;
}

export class ChatQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly last = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  /** Runs `send` after the ones already queued for this chat; resolves when it was sent. */
  push(chatId: string, send: () => Promise<unknown>): Promise<void> {
    const prev = this.tails.get(chatId) ?? Promise.resolve();
    const next = prev.then(async () => {
      const last = this.last.get(chatId);
      if (last !== undefined) {
        const gap = this.opts.minIntervalMs + Math.floor(this.random() * (this.opts.jitterMs ?? 0));
        const wait = last + gap - this.now();
        if (wait > 0) await this.sleep(wait);
      }
      try {
        await send();
      } catch (e) {
        this.opts.onError?.(e);
      } finally {
        this.last.set(chatId, this.now());
      }
    });
    this.tails.set(chatId, next);
    void next.then(() => {
      if (this.tails.get(chatId) === next) this.tails.delete(chatId);
    });
    return next;
  }

  /** resolves when everything queued so far has been sent */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  pending(): number {
    return this.tails.size;
  }
}
