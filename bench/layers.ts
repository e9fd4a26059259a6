/**
 * Where the time of one message goes, layer by layer, on the throughput mix (a tool for optimising, not part of
 * `npm run bench`): the Telegram channel around a core that does nothing, the core alone, guards + cadre + core,
 * the whole chain, and the echo bot.
 *
 *   node --expose-gc --v8-pool-size=1 --import tsx bench/layers.ts            # all layers
 *   LAYER=core node --cpu-prof --v8-pool-size=1 --import tsx bench/layers.ts  # one layer, for a CPU profile
 */
import type { Update } from 'grammy/types';
import { ourBot, updateMix, echoBot, TOKEN, BOT_INFO, offline } from './telegram.ts';
import { createTelegramBot } from '../src/channels/telegram.ts';
import type { IncomingMessage } from '../src/core/types.ts';

const only = process.env.LAYER;
const rounds = Number(process.env.ROUNDS ?? 20);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

// the channel's translation of the mix, recorded by a core that only says "x"
const rec: IncomingMessage[] = [];
const stub = createTelegramBot({ token: TOKEN, botInfo: BOT_INFO, core: { handle: async (m) => (rec.push(m), [{ text: 'x' }]) } });
offline(stub);
const warmUpdates = updateMix(5, 1);
const updates = updateMix(rounds);
for (const u of structuredClone(warmUpdates)) await stub.handleUpdate(u);
const warm = rec.splice(0);

async function timeUpdates(label: string, bot: { handleUpdate(u: Update): Promise<void> }) {
  for (const u of structuredClone(warmUpdates)) await bot.handleUpdate(u);
  const us = structuredClone(updates);
  gc();
  const t0 = performance.now();
  for (const u of us) await bot.handleUpdate(u);
  console.log(label.padEnd(28), ((performance.now() - t0) * 1000 / us.length).toFixed(1).padStart(7), 'µs/message');
}
async function timeMessages(label: string, f: (m: IncomingMessage) => Promise<unknown>) {
  for (const m of warm) await f(m);
  gc();
  const t0 = performance.now();
  for (const m of msgs) await f(m);
  console.log(label.padEnd(28), ((performance.now() - t0) * 1000 / msgs.length).toFixed(1).padStart(7), 'µs/message');
}

if (!only || only === 'channel') await timeUpdates('channel, core doing nothing', stub);
else for (const u of structuredClone(updates)) await stub.handleUpdate(u);
const msgs = rec.splice(rec.length - updates.length);
if (!only || only === 'core') {
  const o = await ourBot();
  await timeMessages('core alone', (m) => o.app.core.handle(m));
  await o.close();
}
if (!only || only === 'handler') {
  const o = await ourBot();
  await timeMessages('guards + cadre + core', (m) => o.app.handler.handle(m));
  await o.close();
}
if (!only || only === 'full') {
  const o = await ourBot();
  await timeUpdates('whole chain (Telegram)', o.bot);
  await o.close();
}
if (!only || only === 'echo') await timeUpdates('grammY echo bot', echoBot().bot);
