/**
 * Everything in Redis, so several instances serve one bot (a Telegram webhook behind a load balancer,
 * several WeChat accounts sharing settings). One dialogue is handled by one instance at a time (a lock
 * key with a token), duplicates are caught with SET NX, one-off marks survive everything.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SessionStore } from '../core/store.ts';
import type { Session } from '../core/types.ts';
import type { GroupSettings, StateStore, StatRecord } from './types.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisOptions {
  url: string;
  prefix?: string;
  idleMs?: number;
  lockMs?: number;
}

class RedisSessions implements SessionStore {
  constructor(
    private readonly r: Redis,
    private readonly p: string,
    private readonly idleMs: number,
  ) {}
  async get(key: string) {
    const v = await this.r.get(`${this.p}s:${key}`);
    return v ? (JSON.parse(v) as Session) : undefined;
  }
  async set(key: string, s: Session) {
    await this.r.set(`${this.p}s:${key}`, JSON.stringify(s), 'PX', this.idleMs);
  }
  async delete(key: string) {
    await this.r.del(`${this.p}s:${key}`);
  }
}

/** statistics older than this are dropped */
const STATS_KEEP_MS = 400 * 86400_000;

export class RedisState implements StateStore {
  readonly kind = 'redis';
  readonly sessions: RedisSessions;
  private readonly p: string;
  private readonly lockMs: number;

  constructor(
    readonly redis: Redis,
    opts: Omit<RedisOptions, 'url'> = {},
  ) {
    this.p = opts.prefix ?? 'yibao:';
    this.lockMs = opts.lockMs ?? 10_000;
    this.sessions = new RedisSessions(redis, this.p, opts.idleMs ?? 30 * 60_000);
  }

  static async open(opts: RedisOptions): Promise<RedisState> {
    const redis = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await redis.connect();
    return new RedisState(redis, opts);
  }

  async getSettings(chatId: string) {
    const v = await this.redis.hget(`${this.p}settings`, chatId);
    return v ? (JSON.parse(v) as GroupSettings) : undefined;
  }
  async setSettings(chatId: string, s: GroupSettings) {
    await this.redis.hset(`${this.p}settings`, chatId, JSON.stringify(s));
  }
  async allSettings() {
    const all = await this.redis.hgetall(`${this.p}settings`);
    return Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as GroupSettings] as [string, GroupSettings]);
  }
  async markSeen(id: string, ttlMs: number) {
    return (await this.redis.set(`${this.p}seen:${id}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
  async hit(key: string, windowMs: number) {
    const k = `${this.p}rate:${key}:${Math.floor(Date.now() / windowMs)}`;
    const [[, n]] = (await this.redis.multi().incr(k).pexpire(k, windowMs).exec()) as [[null, number], unknown];
    return n;
  }
  async once(key: string) {
    return (await this.redis.set(`${this.p}once:${key}`, String(Date.now()), 'NX')) === 'OK';
  }
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = `${this.p}lock:${key}`;
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + this.lockMs;
    while ((await this.redis.set(k, token, 'PX', this.lockMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`lock timeout: ${key}`);
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, k, token);
    }
  }
  async addStat(rec: StatRecord) {
    await this.redis
      .multi()
      .zadd(`${this.p}stats`, rec.time, `${JSON.stringify(rec)}#${randomBytes(3).toString('hex')}`)
      .zremrangebyscore(`${this.p}stats`, '-inf', rec.time - STATS_KEEP_MS) // a year and a bit is all 统计 looks at
      .exec();
  }
  async stats(sinceMs: number) {
    const rows = await this.redis.zrangebyscore(`${this.p}stats`, sinceMs, '+inf');
    return rows.map((r) => JSON.parse(r.slice(0, r.lastIndexOf('#'))) as StatRecord);
  }
  async close() {
    await this.redis.quit();
  }
}
