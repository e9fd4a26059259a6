/**
 * The default store, no set-up: dialogues in memory (bounded LRU with idle expiry) and every change appended to
 * DATA_DIR/sessions.log, so a killed process picks its dialogues up again; group settings and one-off marks in
 * DATA_DIR/settings.json (written whole, atomically); seen ids and statistics in append-only files.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LRUCache } from 'lru-cache';
import { boundedLru } from './bounded.ts';
import type { SessionStore } from '../core/store.ts';
import type { Session } from '../core/types.ts';
import { AppendLog, atomicWrite, readJson } from './files.ts';
import type { GroupSettings, StateStore, StatRecord } from './types.ts';

export interface EmbeddedOptions {
  dir: string;
  maxSessions?: number;
  idleMs?: number;
  now?: () => number;
  /** keep dialogues in memory only (benchmarks, tests of the core) */
  memoryOnly?: boolean;
}

/** seen message ids kept (in memory and in seen.log): far more than a platform re-delivers */
const SEEN_KEEP = 50_000;
/** the session log is compacted when it has more lines than this and four times the live dialogues */
const COMPACT_MIN_LINES = 10_000;

/**
 * Dialogues in an LRU in memory, and every change appended to DATA_DIR/sessions.log (one JSON line per change)
 * before the answer goes out, so a killed process picks each dialogue up where it was. On start the log is read
 * (the last line per dialogue wins, idle ones are dropped) and written back compacted; it is compacted again
 * whenever it holds several times more lines than there are live dialogues.
 */
class FileSessionStore implements SessionStore {
  private readonly mem: LRUCache<string, Session>;
  private log?: AppendLog;
  private lines = 0;
  constructor(
    private readonly idleMs: number,
    max: number,
    private readonly now: () => number,
  ) {
    this.mem = boundedLru(max, { ttl: idleMs, perf: { now } });
  }

  /** reads what a previous run left (file store only) */
  async load(file: string): Promise<void> {
    const live = new Map<string, Session>();
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {
      /* first start */
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec: { k: string; s?: Session };
      try {
        rec = JSON.parse(line) as { k: string; s?: Session };
      } catch {
        continue; // a line cut short by a crash: the line before it still holds that dialogue
      }
      if (rec.s) live.set(rec.k, rec.s);
      else live.delete(rec.k);
    }
    const now = this.now();
    for (const [k, s] of live) if (now - s.updatedAt <= this.idleMs) this.mem.set(k, s, { start: s.updatedAt });
    this.log = new AppendLog(file);
    this.compact();
  }

  private compact() {
    if (!this.log) return;
    const lines = [...this.mem.entries()].map(([k, s]) => JSON.stringify({ k, s }));
    this.log.rewrite(lines);
    this.lines = lines.length;
  }

  private append(rec: { k: string; s?: Session }) {
    if (!this.log) return;
    this.log.append(JSON.stringify(rec));
    if (++this.lines > Math.max(COMPACT_MIN_LINES, 4 * this.mem.size)) this.compact();
  }

  async get(key: string) {
    return this.mem.get(key);
  }
  async set(key: string, session: Session) {
    this.mem.set(key, session);
    this.append({ k: key, s: session });
  }
  async delete(key: string) {
    this.mem.delete(key);
    this.append({ k: key });
  }
  size() {
    return this.mem.size;
  }
  close() {
    this.log?.close();
    this.log = undefined;
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
  private seenLog?: AppendLog;
  private statsLog?: AppendLog;
  private readonly now: () => number;

  private constructor(private readonly opts: EmbeddedOptions) {
    this.now = opts.now ?? Date.now;
    this.sessions = new FileSessionStore(
      opts.idleMs ?? 30 * 60_000,
      opts.maxSessions ?? 100_000,
      this.now,
    );
    this.seen = boundedLru(SEEN_KEEP, { ttl: 24 * 3600_000, perf: { now: this.now } });
  }

  static async open(opts: EmbeddedOptions): Promise<EmbeddedState> {
    const s = new EmbeddedState(opts);
    if (!opts.memoryOnly) {
      await mkdir(opts.dir, { recursive: true });
      await s.sessions.load(join(opts.dir, 'sessions.log'));
      s.settings = (await readJson<SettingsFile>(join(opts.dir, 'settings.json'))) ?? s.settings;
      s.settings.once ??= {};
      s.settings.groups ??= {};
      const seenFile = join(opts.dir, 'seen.log');
      try {
        const all = (await readFile(seenFile, 'utf8')).split('\n').filter(Boolean);
        const kept = all.slice(-SEEN_KEEP);
        for (const l of kept) s.seen.set(l, true);
        // the log only needs the ids a re-delivery could still repeat: keep it from growing all season
        if (all.length > SEEN_KEEP * 2) await atomicWrite(seenFile, `${kept.join('\n')}\n`, { dirExists: true });
      } catch {
        /* no log yet */
      }
      // one open file each for the append-only logs: a message costs one write, not open + write + close
      s.seenLog = new AppendLog(seenFile);
      s.statsLog = new AppendLog(join(opts.dir, 'stats.jsonl'));
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
    this.seenLog?.append(id);
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
    this.statsLog?.append(JSON.stringify(rec));
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
    this.seenLog?.close();
    this.statsLog?.close();
    this.seenLog = this.statsLog = undefined;
    this.sessions.close();
  }
}
