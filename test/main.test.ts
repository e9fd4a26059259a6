/**
 * `npm start` as a process: the console chat when no platform is set, the WeChat channel (wechaty-puppet-mock
 * named by WECHATY_PUPPET, as an operator would name wechat4u or padlocal) started and stopped cleanly on
 * SIGTERM, the Telegram channel long-polling a local Bot API (TELEGRAM_API_ROOT), and a wrong setting refused at
 * start-up with the setting's name. The console, WeChat and Telegram cases run both from source and from the build
 * that `npm start` runs (dist/, made by scripts/build.mjs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.mjs';
import { privateText, startBotApi } from './support/bot-api-server.ts';

const ROOT = join(import.meta.dirname, '..');

/** how the bot is started: from the TypeScript sources through tsx, or the build in dist/ */
type How = 'source' | 'build';
const COMMAND: Record<How, string[]> = { source: ['--import', 'tsx', 'src/main.ts'], build: ['dist/main.js'] };

beforeAll(async () => {
  await build();
}, 120_000);

function start(env: Record<string, string>, stdin?: string, how: How = 'source') {
  const data = mkdtempSync(join(tmpdir(), 'main-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|WECHATY_|REDIS_URL|BOT_)/.test(k)));
  const proc = spawn(process.execPath, COMMAND[how], {
    cwd: ROOT,
    env: { ...clean, DATA_DIR: data, WECHATY_NAME: join(data, 'wx'), ...env },
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  if (stdin !== undefined) proc.stdin.end(stdin);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const waitFor = async (re: RegExp, ms = 30_000) => {
    const until = Date.now() + ms;
    while (!re.test(err)) {
      if (Date.now() > until) throw new Error(`not seen ${re} in:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { proc, exited, out: () => out, err: () => err, waitFor };
}

describe('npm start', () => {
  it.each(['source', 'build'] as const)('without platform settings: the console chat answers what is typed (%s)', async (how) => {
    const p = start({ BOT_TODAY: '2023-11-01' }, '方太乡低保户2023年11月5日交多少钱\n', how);
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('60元');
    expect(p.out()).toContain('依据：方太乡2024年度参保缴费通知');
  }, 60_000);

  it.each(['source', 'build'] as const)('with WECHATY_PUPPET: starts the WeChat channel, logs it, stops cleanly on SIGTERM (%s)', async (how) => {
    const p = start({ WECHATY_PUPPET: 'wechaty-puppet-mock', LOG_LEVEL: 'info' }, undefined, how);
    await p.waitFor(/"msg":"bot started"/);
    const started = p.err().split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'bot started');
    expect(started.channels).toEqual(['wx:']);
    expect(started.store).toBe('embedded');
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.err()).toContain('"msg":"stopping"');
  }, 60_000);

  it.each(['source', 'build'] as const)('with a Telegram token: long polling through TELEGRAM_API_ROOT answers a resident, SIGTERM stops it (%s)', async (how) => {
    const api = await startBotApi();
    try {
      const p = start({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, BOT_TODAY: '2023-11-01', LOG_LEVEL: 'info' }, undefined, how);
      await p.waitFor(/"msg":"bot started"/);
      const answer = api.nextSent();
      api.push(privateText(777, '方太乡低保户2023年11月5日交多少钱'));
      const m = await answer;
      expect(m.chat_id).toBe(777);
      expect(m.text).toContain('60元');
      expect(m.text).toContain('依据：方太乡2024年度参保缴费通知');
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.err()).toContain('"msg":"telegram stopped"');
    } finally {
      await api.close();
    }
  }, 60_000);

  it('a wrong setting stops start-up with a message naming it', async () => {
    const p = start({ TELEGRAM_BOT_TOKEN: 'not-a-token' });
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('TELEGRAM_BOT_TOKEN');
    expect(p.out()).toBe('');
  }, 60_000);

  it('reads .env from the folder it is started in; the environment wins over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    writeFileSync(join(dir, '.env'), 'TELEGRAM_BOT_TOKEN=not-a-token\nREMINDER_TIME=9点\n');
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|WECHATY_|REDIS_URL|BOT_|REMINDER_)/.test(k)));
    const proc = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { cwd: dir, env: { ...clean, REMINDER_TIME: '08:30' } });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => proc.on('exit', r))).toBe(2);
    expect(err).toContain('TELEGRAM_BOT_TOKEN');
    expect(err).not.toContain('REMINDER_TIME');
  }, 60_000);
});
