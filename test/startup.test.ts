/**
 * What start-up takes a short cut for: the checked rules and flows kept between starts (src/compiled.ts), and
 * today's date in Asia/Shanghai computed without the time-zone database.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import { describe, expect, it } from 'vitest';
import { loadAll } from '../src/compiled.ts';
import { loadRules } from '../src/rules/load.ts';
import { loadFlows } from '../src/core/flows.ts';
import { loadChat } from '../src/nlu/extra.ts';
import { loadCadreFlow } from '../src/cadre/flow.ts';
import { RULES_DIR, FLOWS_DIR } from '../src/paths.ts';
import { shanghaiTime, todayIn, TIME_ZONE } from '../src/engine/dates.ts';
import { dateParserReady } from '../src/nlu/understand.ts';
import { testCore } from './support/core.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

function copies() {
  const root = mkdtempSync(join(tmpdir(), 'compiled-'));
  cpSync(RULES_DIR, join(root, 'rules'), { recursive: true });
  cpSync(FLOWS_DIR, join(root, 'flows'), { recursive: true });
  return { rulesDir: join(root, 'rules'), flowsDir: join(root, 'flows'), cacheDir: join(root, 'cache') };
}

/** `null`: running from source, without a build id */
function load(dirs: ReturnType<typeof copies>, build: string | null = 'build-1') {
  const events: { hit: boolean; reason?: string }[] = [];
  return loadAll({ ...dirs, buildId: build ?? undefined, onCache: (e) => events.push(e) }).then((loaded) => ({ loaded, event: events[0] }));
}

describe('the date parser is loaded by the first message that needs it', () => {
  it('questions our own date patterns read leave it unloaded; 三天前 loads it and is read', async () => {
    const { core } = testCore({ today: '2023-11-01' });
    const ask = async (userId: string, text: string) =>
      (await core.handle({ chatId: 'p', userId, chatType: 'private', mentioned: true, forwarded: false, text, time: Date.now() }))
        .map((r) => r.text)
        .join('\n');
    expect(dateParserReady()).toBe(false);
    expect(await ask('a', '方太乡低保户2023年11月5日交多少钱')).toContain('60元');
    expect(await ask('b', '方太乡低保户2023.11.5交多少钱')).toContain('60元');
    // 2023-11-01 is a Wednesday: 下周一 is 2023年11月6日 (our own weekday pattern)
    expect(await ask('c', '方太乡低保户下周一交多少钱')).toContain('2023年11月6日');
    expect(dateParserReady()).toBe(false);
    expect(await ask('d', '方太乡低保户三天前交的多少钱')).toContain('2023年10月29日');
    expect(dateParserReady()).toBe(true);
  });
});

describe('rules and flows kept between starts', () => {
  it('the second start of the same build reads the cache and gets exactly what the YAML gives', async () => {
    const dirs = copies();
    const first = await load(dirs);
    expect(first.event).toEqual({ hit: false, reason: 'no cache yet' });
    const second = await load(dirs);
    expect(second.event).toEqual({ hit: true });
    const fresh = { rules: loadRules(dirs.rulesDir), flows: loadFlows(dirs.flowsDir), chat: loadChat(dirs.flowsDir), cadreFlow: loadCadreFlow(dirs.flowsDir) };
    for (const loaded of [first.loaded, second.loaded]) {
      expect(loaded.rules.notices).toEqual(fresh.rules.notices);
      expect([...loaded.rules.byId.keys()]).toEqual([...fresh.rules.byId.keys()]);
      expect([...loaded.rules.identities]).toEqual([...fresh.rules.identities]);
      expect(loaded.rules.dir).toBe(dirs.rulesDir);
      expect(loaded.flows).toEqual(fresh.flows);
      expect(loaded.chat).toEqual(fresh.chat);
      expect(loaded.cadreFlow).toEqual(fresh.cadreFlow);
    }
  });

  it('an edited rule file, a new flow file or another build is read from the YAML again', async () => {
    const dirs = copies();
    await load(dirs);
    const file = join(dirs.rulesDir, 'fangtai-2024.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(/contact:\n(\s+)/, (m, indent: string) => `${m}# 改过\n${indent}`);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    expect((await load(dirs)).event).toEqual({ hit: false, reason: 'files or build changed' });
    expect((await load(dirs)).event).toEqual({ hit: true });
    writeFileSync(join(dirs.flowsDir, 'extra.yaml'), 'a: 1\n');
    expect((await load(dirs)).event?.hit).toBe(false);
    expect((await load(dirs, 'build-2')).event?.hit).toBe(false);
    expect((await load(dirs, 'build-2')).event?.hit).toBe(true);
  });

  it('a bad rule file is still refused when the cache holds the old one', async () => {
    const dirs = copies();
    await load(dirs);
    writeFileSync(join(dirs.rulesDir, 'fangtai-2024.yaml'), 'id: [unclosed\n');
    await expect(load(dirs)).rejects.toThrow(/规则文件有错/);
  });

  it('a damaged cache file is rebuilt', async () => {
    const dirs = copies();
    await load(dirs);
    writeFileSync(join(dirs.cacheDir, 'compiled.json'), '{"key": "x", "notic');
    const r = await load(dirs);
    expect(r.event?.hit).toBe(false);
    expect(r.event?.reason).toMatch(/unreadable cache/);
    expect(r.loaded.rules.notices.length).toBe(loadRules(dirs.rulesDir).notices.length);
    expect((await load(dirs)).event).toEqual({ hit: true });
  });

  it('from source (no build id) nothing is cached', async () => {
    const dirs = copies();
    const r = await load(dirs, null);
    expect(r.event).toBeUndefined();
    expect(existsSync(dirs.cacheDir)).toBe(false);
    expect(r.loaded.rules.notices.map((n) => n.id)).toEqual(loadRules(dirs.rulesDir).notices.map((n) => n.id));
  });
});

describe('today and the clock in Asia/Shanghai', () => {
  it('match the time-zone database around midnight, month and year ends, and leap days', () => {
    const instants = [
      '2023-12-31T15:59:59Z', '2023-12-31T16:00:00Z', '2024-02-28T16:00:00Z', '2024-02-29T15:59:59.999Z',
      '2024-06-30T16:00:01Z', '2024-12-31T23:59:59Z', '1995-07-01T12:00:00Z', '2030-03-10T02:00:00Z',
    ].map((s) => new Date(s));
    // and every hour of a whole year
    for (let t = Date.parse('2025-01-01T00:30:00Z'); t < Date.parse('2026-01-01T00:00:00Z'); t += 3600_000) instants.push(new Date(t));
    for (const d of instants) {
      expect(todayIn(d), d.toISOString()).toBe(dayjs(d).tz(TIME_ZONE).format('YYYY-MM-DD'));
      expect(shanghaiTime(d.getTime()), d.toISOString()).toBe(dayjs(d).tz(TIME_ZONE).format('HH:mm'));
    }
  });
});
