import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedState } from '../src/state/embedded.ts';
import { RedisState } from '../src/state/redis.ts';
import type { StateStore } from '../src/state/types.ts';
import { newSession } from '../src/core/types.ts';
import { HAVE_REDIS, NO_REDIS_MESSAGE, startRedis } from './support/redis.ts';

type Opener = { name: string; open: () => Promise<StateStore>; reopen: () => Promise<StateStore> };

function contract(get: () => Opener) {
  it('keeps group settings across a restart', async () => {
    const o = get();
    const a = await o.open();
    await a.setSettings('tg:-1', { region: 'guiyang-dianjiang-2024', reminders: true });
    await a.close();
    const b = await o.reopen();
    expect(await b.getSettings('tg:-1')).toEqual({ region: 'guiyang-dianjiang-2024', reminders: true });
    expect((await b.allSettings()).map(([k]) => k)).toContain('tg:-1');
    await b.close();
  });

  it('keeps a dialogue across a restart', async () => {
    const o = get();
    const a = await o.open();
    const s = newSession(Date.now());
    s.asking = 'tier';
    s.situation = { region: 'guiyang-dianjiang-2024', identities: ['dibao'], facts: {} };
    await a.sessions.set('tg:-1|tg:7', s);
    await a.close();
    const b = await o.reopen();
    expect(await b.sessions.get('tg:-1|tg:7')).toEqual(s);
    await b.sessions.delete('tg:-1|tg:7');
    expect(await b.sessions.get('tg:-1|tg:7')).toBeUndefined();
    await b.close();
  });

  it('sees a message id once, and marks one-off events once, also after a restart', async () => {
    const o = get();
    const a = await o.open();
    expect(await a.markSeen('m1', 60_000)).toBe(true);
    expect(await a.markSeen('m1', 60_000)).toBe(false);
    expect(await a.once('reminder:g1:2023-12-24')).toBe(true);
    expect(await a.once('reminder:g1:2023-12-24')).toBe(false);
    await a.close();
    const b = await o.reopen();
    expect(await b.markSeen('m1', 60_000)).toBe(false);
    expect(await b.once('reminder:g1:2023-12-24')).toBe(false);
    await b.close();
  });

  it('counts hits in a window', async () => {
    const a = await get().open();
    const counts = [];
    for (let i = 0; i < 5; i++) counts.push(await a.hit('flood:x', 60_000));
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    await a.close();
  });

  it('runs one dialogue at a time under its lock', async () => {
    const a = await get().open();
    const order: string[] = [];
    const slow = (id: string) => async () => {
      order.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, 30));
      order.push(`end ${id}`);
    };
    await Promise.all([a.withLock('k', slow('a')), a.withLock('k', slow('b'))]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
    await a.close();
  });

  it('keeps statistics', async () => {
    const a = await get().open();
    const t = Date.now();
    await a.addStat({ time: t - 10 * 86400_000, chatId: 'g', topics: ['fee'], answered: true });
    await a.addStat({ time: t, chatId: 'g', topics: ['fee'], answered: false, text: '能报销多少' });
    const recent = await a.stats(t - 7 * 86400_000);
    expect(recent).toHaveLength(1);
    expect(recent[0]!.text).toBe('能报销多少');
    await a.close();
  });
}

describe('embedded state (memory + files under DATA_DIR)', () => {
  let dir = '';
  contract(() => {
    dir = mkdtempSync(join(tmpdir(), 'state-'));
    const open = () => EmbeddedState.open({ dir });
    return { name: 'embedded', open, reopen: open };
  });

  it('the session log: last change wins, deletes stick, a torn last line is skipped, and it is compacted', async () => {
    const d = mkdtempSync(join(tmpdir(), 'state-'));
    const now = Date.now();
    const a = await EmbeddedState.open({ dir: d, now: () => now });
    for (let i = 0; i < 30_000; i++) {
      const s = newSession(now);
      s.back = [];
      s.topics = i % 2 ? ['fee'] : ['cover'];
      await a.sessions.set(`tg:-1|tg:${i % 3}`, s);
    }
    await a.sessions.delete('tg:-1|tg:2');
    const lines = readFileSync(join(d, 'sessions.log'), 'utf8').split('\n').filter(Boolean).length;
    expect(lines).toBeLessThan(11_000); // 30,000 changes to 3 dialogues did not pile up
    appendFileSync(join(d, 'sessions.log'), '{"k":"tg:-1|tg:0","s":{"flow":nu'); // killed in the middle of a write
    await a.close();
    const b = await EmbeddedState.open({ dir: d, now: () => now });
    expect((await b.sessions.get('tg:-1|tg:0'))?.topics).toEqual(['fee']); // its last change was 29,997 (odd)
    expect((await b.sessions.get('tg:-1|tg:1'))?.topics).toEqual(['cover']); // its last change was 29,998 (even)
    expect(await b.sessions.get('tg:-1|tg:2')).toBeUndefined();
    expect(readFileSync(join(d, 'sessions.log'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    await b.close();
  });

  it('forgets an idle dialogue quietly, also on disk', async () => {
    let now = 1_000_000;
    const d = mkdtempSync(join(tmpdir(), 'state-'));
    const a = await EmbeddedState.open({ dir: d, idleMs: 60_000, now: () => now });
    await a.sessions.set('k', newSession(now));
    now += 61_000;
    expect(await a.sessions.get('k')).toBeUndefined();
    const b = await EmbeddedState.open({ dir: d, idleMs: 60_000, now: () => now });
    expect(await b.sessions.get('k')).toBeUndefined();
  });
});

describe.skipIf(!HAVE_REDIS)(`redis state${HAVE_REDIS ? '' : ` (skipped: ${NO_REDIS_MESSAGE})`}`, () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  contract(() => {
    const prefix = `t${++n}:`;
    const open = () => RedisState.open({ url: server.url, prefix } as Parameters<typeof RedisState.open>[0]);
    return { name: 'redis', open, reopen: open };
  });
});
