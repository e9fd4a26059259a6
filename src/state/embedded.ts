/**
 * The default store, no set-up: dialogues in memory (bounded LRU with idle expiry) and written through to
 * one small file each under DATA_DIR/sessions, so a killed process picks its dialogues up again; group
 * settings and one-off marks in DATA_DIR/settings.json; seen ids and statistics in append-only files.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { SessionStore } from '../core/store.ts';
import type { Session } from '../core/types.ts';
import { atomicWrite, readJson, removeFile } from './files.ts';
import type { GroupSettings, StateStore, StatRecord } from './types.ts';

export interface EmbeddedOptions {
  dir: string;
  maxSessions?: number;
  idleMs?: number;
  now?: () => number;
  /** keep dialogues in memory only (benchmarks, tests of the core) */
  memoryOnly?: boolean;
}

class FileSessionStore implements SessionStore {
  private readonly mem: LRUCache<string, Session>;
  constructor(
    private readonly dir: string | null,
    private readonly idleMs: number,
    max: number,
    private readonly now: () => number,
  ) {
    this.mem = new LRUCache({ max, ttl: idleMs, perf: { now } });
  }
  private file(key: string) {
    return join(this.dir!, `${createHash('sha1').update(key).digest('hex')}.json`);
  }
  async get(key: string) {
    const hit = this.mem.get(key);
    if (hit || !this.dir) return hit;
    const saved = await readJson<{ key: string; session: Session }>(this.file(key));
    if (!saved || saved.key !== key) return undefined;
    if (this.now() - saved.session.updatedAt > this.idleMs) {
      await removeFile(this.file(key));
      return undefined;
    }
    this.mem.set(key, saved.session);
    return saved.session;
  }
  async set(key: string, session: Session) {
    this.mem.set(key, session);
    if (this.dir) await atomicWrite(this.file(key), JSON.stringify({ key, session }));
  }
  async delete(key: string) {
    this.mem.delete(key);
    if (this.dir) await removeFile(this.file(key));
  }
  size() {
    return this.mem.size;
  }
}

interface SettingsFile {
  groups: Record<string, GroupSettings>;
  once: Record<string, number>;
}

export class EmbeddedState implements StateStore {
  readonly kind = 'embedded';
  readonly sessions: FileSessionStore;
  private settings: SettingsFile = { groups: {}, once: {} };
  private readonly seen: LRUCache<string, true>;
  private readonly counters = new Map<string, { window: number; count: number }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  private constructor(private readonly opts: EmbeddedOptions) {
    this.now = opts.now ?? Date.now;
    this.sessions = new FileSessionStore(
      opts.memoryOnly ? null : join(opts.dir, 'sessions'),
      opts.idleMs ?? 30 * 60_000,
      opts.maxSessions ?? 100_000,
      this.now,
    );
    this.seen = new LRUCache({ max: 50_000, ttl: 24 * 3600_000, perf: { now: this.now } });
  }

  static async open(opts: EmbeddedOptions): Promise<EmbeddedState> {
    const s = new EmbeddedState(opts);
    if (!opts.memoryOnly) {
      await mkdir(opts.dir, { recursive: true });
      s.settings = (await readJson<SettingsFile>(join(opts.dir, 'settings.json'))) ?? s.settings;
      s.settings.once ??= {};
      s.settings.groups ??= {};
      try {
        const lines = (await readFile(join(opts.dir, 'seen.log'), 'utf8')).split('\n').slice(-50_000);
        for (const l of lines) if (l) s.seen.set(l, true);
      } catch {
        /* no log yet */
      }
    }
    return s;
  }

  private saveSettings(): Promise<void> {
    if (this.opts.memoryOnly) return Promise.resolve();
    const data = JSON.stringify(this.settings, null, 1);
    this.writing = this.writing.then(() => atomicWrite(join(this.opts.dir, 'settings.json'), data));
    return this.writing;
  }

  async getSettings(chatId: string) {
    return this.settings.groups[chatId];
  }
  async setSettings(chatId: string, settings: GroupSettings) {
    this.settings.groups[chatId] = settings;
    await this.saveSettings();
  }
  async allSettings() {
    return Object.entries(this.settings.groups);
  }
  async markSeen(id: string, ttlMs: number) {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true, { ttl: ttlMs });
    if (!this.opts.memoryOnly) await appendFile(join(this.opts.dir, 'seen.log'), `${id}\n`);
    return true;
  }
  async hit(key: string, windowMs: number) {
    const window = Math.floor(this.now() / windowMs);
    const c = this.counters.get(key);
    if (!c || c.window !== window) {
      this.counters.set(key, { window, count: 1 });
      if (this.counters.size > 100_000) this.counters.clear();
      return 1;
    }
    return ++c.count;
  }
  async once(key: string) {
    if (this.settings.once[key]) return false;
    this.settings.once[key] = this.now();
    await this.saveSettings();
    return true;
  }
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
  async addStat(rec: StatRecord) {
    if (this.opts.memoryOnly) {
      this.memStats.push(rec);
      return;
    }
    await appendFile(join(this.opts.dir, 'stats.jsonl'), `${JSON.stringify(rec)}\n`);
  }
  private readonly memStats: StatRecord[] = [];
  async stats(sinceMs: number) {
    if (this.opts.memoryOnly) return this.memStats.filter((r) => r.time >= sinceMs);
    try {
      return (await readFile(join(this.opts.dir, 'stats.jsonl'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as StatRecord)
        .filter((r) => r.time >= sinceMs);
    } catch {
      return [];
    }
  }
  async close() {
    await this.writing;
  }
}
