import type { SessionStore } from '../core/store.ts';

/** What a cadre set for one group. */
export interface GroupSettings {
  region?: string;
  reminders?: boolean;
  updatedBy?: string;
  updatedAt?: number;
}

/** One handled question, for the cadres' statistics. Never holds personal data (text is masked). */
export interface StatRecord {
  time: number;
  chatId: string;
  region?: string;
  topics: string[];
  /** answered with nothing the notice leaves open */
  answered: boolean;
  /** answered, but (part of) it is 「通知未明确」 */
  undecided?: boolean;
  /** the masked question, kept only when the bot could not answer it */
  text?: string;
}

/**
 * Everything the bot keeps: dialogues, group settings, seen message ids, rate counters, one-off marks
 * (a reminder posted), statistics. Embedded (memory + files under DATA_DIR) or Redis (several instances).
 */
export interface StateStore {
  readonly kind: 'embedded' | 'redis';
  readonly sessions: SessionStore;
  getSettings(chatId: string): Promise<GroupSettings | undefined>;
  setSettings(chatId: string, settings: GroupSettings): Promise<void>;
  allSettings(): Promise<[string, GroupSettings][]>;
  /** true the first time this id is seen within ttl (idempotency of platform deliveries) */
  markSeen(id: string, ttlMs: number): Promise<boolean>;
  /** counts one event in a fixed window; returns the count so far in that window */
  hit(key: string, windowMs: number): Promise<number>;
  /** true only the first time ever for this key (across restarts and instances) */
  once(key: string): Promise<boolean>;
  /** runs fn while holding a lock on key (one dialogue is handled by one instance at a time) */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  addStat(rec: StatRecord): Promise<void>;
  stats(sinceMs: number): Promise<StatRecord[]>;
  close(): Promise<void>;
}
