import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, readConfig, ConfigError } from '../src/config.ts';
import { createApp } from '../src/app.ts';
import { DEFAULT_RULES_DIR } from '../src/rules/load.ts';
import { EmbeddedState } from '../src/state/embedded.ts';

describe('settings', () => {
  it('every setting is documented in .env.example', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
    for (const key of Object.keys(envSchema.shape)) expect(example, key).toMatch(new RegExp(`^${key}=`, 'm'));
  });
  it('wrong values get a clear message naming the setting', () => {
    const bad = (env: Record<string, string>) => {
      try {
        readConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ BOT_TODAY: '2023-13-01' })).toContain('BOT_TODAY');
    expect(bad({ TELEGRAM_BOT_TOKEN: 'abc' })).toContain('TELEGRAM_BOT_TOKEN');
    expect(bad({ TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook' })).toContain('TELEGRAM_WEBHOOK_SECRET');
    expect(bad({ REMINDER_TIME: '9点' })).toContain('REMINDER_TIME');
    expect(readConfig({}).TRIGGER_WORDS).toEqual(['医保']);
  });
});

describe('rules reload while running', () => {
  it('a good new file takes effect; a bad one is rejected and the last good rules keep serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    const app = await createApp(readConfig({ RULES_DIR: dir, BOT_TODAY: '2023-11-01' }), {
      state: await EmbeddedState.open({ dir: '', memoryOnly: true }),
    });
    const ask = async (text: string) =>
      (await app.handler.handle({ chatId: 'c', userId: `u${Math.random()}`, chatType: 'private', mentioned: true, forwarded: true, text, time: Date.now() }))
        .map((r) => r.text)
        .join('\n');
    expect(await ask('方太乡低保户交多少钱')).toContain('60元');
    const file = join(dir, 'fangtai-2024.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('amount: 320', 'amount: 330'));
    expect(await app.reloadRules()).toBe(true);
    expect(await ask('方太乡低保户交多少钱')).toContain('50元');
    writeFileSync(file, good.replace('amount: 320', 'amount: -5'));
    expect(await app.reloadRules()).toBe(false);
    expect(await ask('方太乡低保户交多少钱')).toContain('50元');
    await app.close();
  });
});
