import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../state/bounded.ts';
import type { Session } from './types.ts';

/** Where dialogues live, keyed by chat + user. In memory by default; Redis later behind the same interface. */
export interface SessionStore {
  get(key: string): Promise<Session | undefined>;
  set(key: string, session: Session): Promise<void>;
  delete(key: string): Promise<void>;
}

export function sessionKey(chatId: string, userId: string): string {
  return `${chatId}|${userId}`;
}

/** Bounded, with idle expiry: a dialogue left alone for `idleMs` is forgotten quietly. */
export class MemorySessionStore implements SessionStore {
  private readonly cache: LRUCache<string, Session>;
  constructor(opts: { max?: number; idleMs?: number; now?: () => number } = {}) {
    this.cache = boundedLru<string, Session>(opts.max ?? 100_000, {
      ttl: opts.idleMs ?? 30 * 60_000,
      updateAgeOnGet: false,
      ttlAutopurge: false,
      perf: opts.now ? { now: opts.now } : undefined,
    });
  }
  async get(key: string) {
    return this.cache.get(key);
  }
  async set(key: string, session: Session) {
    this.cache.set(key, session);
  }
  async delete(key: string) {
    this.cache.delete(key);
  }
  size() {
    return this.cache.size;
  }
}
