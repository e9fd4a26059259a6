/**
 * Guards in front of the core: duplicate deliveries answered once, a length limit, personal numbers
 * masked (and the sender told), flood control in groups, one dialogue handled at a time, one log line
 * per handled message with no personal data.
 */
import { maskPii } from '../guard/pii.ts';
import type { Logger } from '../log.ts';
import type { StateStore } from '../state/types.ts';
import { sessionKey } from './store.ts';
import { trackTurn, type TurnInfo } from './turn-info.ts';
import type { Messages } from './flows.ts';
import type { IncomingMessage, MessageHandler, Reply } from './types.ts';

export interface GuardOptions {
  state: StateStore;
  messages: Messages;
  maxChars: number;
  floodPerMinute: number;
  log?: Logger;
}

const SEEN_TTL_MS = 24 * 3600_000;

export class Guard implements MessageHandler {
  constructor(
    private readonly inner: MessageHandler,
    private readonly o: GuardOptions,
  ) {}

  async handle(msg: IncomingMessage): Promise<Reply[]> {
    const started = performance.now();
    if (msg.messageId && !(await this.o.state.markSeen(`${msg.chatId}|${msg.messageId}`, SEEN_TTL_MS))) {
      this.o.log?.info({ chat: msg.chatType, duplicate: true }, 'duplicate delivery ignored');
      return [];
    }
    // cut before understanding; never echoed back whole
    let text = msg.text.length > this.o.maxChars ? msg.text.slice(0, this.o.maxChars) : msg.text;
    const pii = maskPii(text);
    text = pii.text;
    const key = sessionKey(msg.chatId, msg.userId);
    const info: TurnInfo = {};
    const inner = trackTurn({ ...msg, text }, info);
    let replies = await this.o.state.withLock(key, () => this.inner.handle(inner));
    let flooded = false;
    if (replies.length && msg.chatType === 'group') {
      const n = await this.o.state.hit(`flood:${key}`, 60_000);
      if (n > this.o.floodPerMinute) {
        flooded = true;
        replies =
          n === this.o.floodPerMinute + 1
            ? [{ text: this.o.messages.flood, replyTo: replies[0]!.replyTo }]
            : [];
      }
    }
    if (pii.found.length && !flooded) {
      const replyTo = msg.chatType === 'group' ? { userId: msg.userId, name: msg.userName } : undefined;
      const warn = { text: msg.chatType === 'group' ? this.o.messages.personalData : this.o.messages.personalDataPrivate, replyTo };
      replies = [warn, ...replies];
    }
    this.o.log?.info(
      {
        chat: msg.chatType,
        forwarded: msg.forwarded,
        chars: msg.text.length,
        cut: msg.text.length > this.o.maxChars,
        pii: pii.found,
        flooded,
        replies: replies.length,
        ...(info.topics?.length ? { topics: info.topics } : {}),
        ...(info.outcome ? { outcome: info.outcome } : {}),
        ...(info.command ? { command: info.command } : {}),
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'message',
    );
    return replies;
  }
}
