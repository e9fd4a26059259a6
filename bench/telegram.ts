/**
 * Throughput and latency through the Telegram channel: the same updates into our bot (the app's real handler
 * chain: guards → cadre commands → core, default embedded store in memory) and into a plain grammY echo bot,
 * both via `bot.handleUpdate` with an API transformer that answers sendMessage without the network.
 *
 * The mix: residents' one-line questions (test/questions.yaml) sent in groups with an @-mention and answered at
 * once, and the scripted dialogues (test/transcripts/*.yaml) typed turn by turn in private chats.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { BOT_INFO, TOKEN, offline } from './offline.ts';
import { parse } from 'yaml';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { createTelegramBot } from '../src/channels/telegram.ts';
import { EmbeddedState } from '../src/state/embedded.ts';
import type { Clock } from '../src/engine/dates.ts';
import { loadTranscripts } from '../test/support/transcripts.ts';

export { BOT_INFO, TOKEN, offline };

/** A fixed mix of updates: every one-line question once per round in a group, every transcript once per round in private. */
export function updateMix(rounds: number, seed = 0): Update[] {
  const questions = (parse(readFileSync(join(import.meta.dirname, '..', 'test', 'questions.yaml'), 'utf8')) as { q: string; today?: string }[])
    .filter((q) => !q.today || q.today === '2023-11-01')
    .map((q) => q.q);
  const dialogues = loadTranscripts()
    .map((x) => x.t)
    .filter((t) => t.today === '2023-11-01' && !t.region && !t.forwarded && t.turns.every((u) => !u.after));
  const out: Update[] = [];
  // a different seed: different members and message ids (the guards answer a message id once)
  let updateId = 1 + seed * 10_000_000;
  let messageId = 1 + seed * 10_000_000;
  let user = 1000 + seed * 1_000_000;
  const at = `@${BOT_INFO.username}`;
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const from = { id: ++user, is_bot: false, first_name: '居民' };
      const chat = { id: -1001000000000 - (user % 300), type: 'supergroup' as const, title: '居民群' };
      out.push({
        update_id: updateId++,
        message: { message_id: messageId++, date: 1698804000, chat, from, text: `${at} ${q}`, entities: [{ type: 'mention', offset: 0, length: at.length }] },
      } as Update);
    }
    for (const d of dialogues) {
      const from = { id: ++user, is_bot: false, first_name: '居民' };
      for (const t of d.turns) {
        out.push({
          update_id: updateId++,
          message: { message_id: messageId++, date: 1698804000, chat: { id: from.id, type: 'private', first_name: '居民' }, from, text: t.user },
        } as Update);
      }
    }
  }
  return out;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** a full collection, so neither bot pays for garbage the other (or the warm-up) left behind */
function settle() {
  (globalThis as { gc?: () => void }).gc?.();
}

async function drive(bot: Bot, updates: Update[]) {
  settle();
  const lat = new Float64Array(updates.length);
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) {
    const t0 = performance.now();
    await bot.handleUpdate(updates[i]!);
    lat[i] = performance.now() - t0;
  }
  const seconds = (performance.now() - start) / 1000;
  const sorted = [...lat].sort((a, b) => a - b);
  return { perSec: updates.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * Our bot on the app's real handler chain. By default its state is the embedded store kept in memory only, so the
 * figure is the bot's own work; `files: true` uses the default store as `npm start` does (every dialogue step
 * written to DATA_DIR before the answer goes out).
 */
export async function ourBot(opts: { files?: boolean } = {}) {
  const clock: Clock = { now: () => Date.parse('2023-11-01T10:00:00+08:00'), today: () => '2023-11-01' };
  const dir = opts.files ? mkdtempSync(join(tmpdir(), 'bench-data-')) : '';
  const state = await EmbeddedState.open({ dir, memoryOnly: !opts.files, now: clock.now });
  // one clock instant for the whole run: the per-member flood limit would otherwise silence the mix
  const app = await createApp(readConfig({ FLOOD_MAX_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' }), { clock, state });
  const bot = createTelegramBot({ token: TOKEN, botInfo: BOT_INFO, core: app.handler, now: clock.now });
  return {
    bot,
    app,
    api: offline(bot),
    close: async () => {
      await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function echoBot() {
  const bot = new Bot(TOKEN, { botInfo: BOT_INFO });
  bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
  return { bot, api: offline(bot) };
}

export async function benchTelegram(rounds = 20) {
  const warm = updateMix(5, 1); // steady state: both bots see every kind of message a few times first
  const updates = updateMix(rounds);
  // each bot gets its own copy (grammY keeps references to the update)
  const ours = await ourBot();
  await drive(ours.bot, structuredClone(warm));
  const before = ours.api.sent();
  const o = await drive(ours.bot, structuredClone(updates));
  const oursSent = ours.api.sent() - before;
  await ours.close();
  const echo = echoBot();
  await drive(echo.bot, structuredClone(warm));
  const e = await drive(echo.bot, structuredClone(updates));
  return { updates: updates.length, answered: oursSent, ours: o, echo: e };
}

/** Throughput with the default file store (what `npm start` uses without Redis). */
export async function benchFileStore(rounds = 5) {
  const ours = await ourBot({ files: true });
  await drive(ours.bot, updateMix(2, 1));
  const r = await drive(ours.bot, updateMix(rounds));
  await ours.close();
  return r;
}
