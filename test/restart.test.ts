/**
 * Kill the bot (SIGKILL) in the middle of a dialogue; after a restart the dialogue continues where it
 * was and the group settings are intact. Once with the embedded file store, once with Redis.
 * And two instances on one Redis given the same update answer it once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_REDIS, NO_REDIS_MESSAGE, startRedis } from './support/redis.ts';

const ROOT = join(import.meta.dirname, '..');

class Child {
  private lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  readonly proc: ChildProcessWithoutNullStreams;
  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/child-bot.ts'], {
      cwd: ROOT,
      env: { ...process.env, BOT_TODAY: '2023-11-01', LOG_LEVEL: 'silent', ...env },
    });
    createInterface({ input: this.proc.stdout }).on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
  }
  next(): Promise<any> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(JSON.parse(l));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no answer from the child bot')), 20_000);
      this.waiters.push((x) => {
        clearTimeout(t);
        resolve(JSON.parse(x));
      });
    });
  }
  async send(m: object): Promise<any> {
    this.proc.stdin.write(`${JSON.stringify(m)}\n`);
    return this.next();
  }
  kill(): Promise<void> {
    return new Promise((r) => {
      this.proc.once('exit', () => r());
      this.proc.kill('SIGKILL');
    });
  }
}

async function start(env: Record<string, string>) {
  const c = new Child(env);
  expect(await c.next()).toEqual({ ready: true });
  return c;
}

async function killInTheMiddle(env: Record<string, string>) {
  const group = 'tg:-100777';
  let bot = await start(env);
  expect(await bot.send({ bind: { chatId: group, region: 'guiyang-dianjiang-2024' } })).toEqual({ ok: true });
  const first = await bot.send({ chatId: group, userId: 'tg:1', group: true, text: '低保户交多少钱', id: 'a1' });
  expect(first.replies.join('\n')).toContain('一档');
  await bot.kill();
  bot = await start(env);
  // the group is still bound, and the dialogue goes on at the tier question
  expect(await bot.send({ settings: group })).toEqual({ settings: { region: 'guiyang-dianjiang-2024' } });
  const second = await bot.send({ chatId: group, userId: 'tg:1', group: true, text: '2', id: 'a2' });
  expect(second.replies.join('\n')).toContain('哪天缴费');
  // a re-delivery of the first message after the restart is not answered again
  const again = await bot.send({ chatId: group, userId: 'tg:1', group: true, text: '低保户交多少钱', id: 'a1' });
  expect(again.replies).toEqual([]);
  await bot.kill();
}

describe('restart after SIGKILL', () => {
  it('embedded file store', async () => {
    await killInTheMiddle({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bot-data-')), REDIS_URL: '' });
  }, 60_000);
});

describe.skipIf(!HAVE_REDIS)(`with Redis${HAVE_REDIS ? '' : ` (skipped: ${NO_REDIS_MESSAGE})`}`, () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('restart after SIGKILL', async () => {
    await killInTheMiddle({ REDIS_URL: server.url });
  }, 60_000);

  it('two instances given the same update answer once', async () => {
    const env = { REDIS_URL: server.url };
    const [a, b] = await Promise.all([start(env), start(env)]);
    const m = { chatId: 'tg:-100888', userId: 'tg:5', group: true, text: '方太乡低保户2023年11月5日交多少钱', id: 'dup-1' };
    const [ra, rb] = await Promise.all([a.send(m), b.send(m)]);
    const answered = [ra, rb].filter((r) => r.replies.length > 0);
    expect(answered).toHaveLength(1);
    expect(answered[0].replies.join('\n')).toContain('60元');
    await Promise.all([a.kill(), b.kill()]);
  }, 60_000);
});
