/**
 * Start-up of our bot as `npm start` does it with a Telegram token: settings, rules, flows, the default store,
 * the Telegram channel; "ready" once the first question has been answered (Bot API answered locally).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';

const app = await createApp(readConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-start-')) }));
const { createTelegramBot } = await import('../../src/channels/telegram.ts');
const { BOT_INFO, TOKEN, offline } = await import('../offline.ts');
const bot = createTelegramBot({ token: TOKEN, botInfo: BOT_INFO, core: app.handler });
const api = offline(bot);
await bot.handleUpdate({
  update_id: 1,
  message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 42, type: 'private', first_name: '居民' }, from: { id: 42, is_bot: false, first_name: '居民' }, text: '方太乡低保户交多少钱' },
});
if (api.sent() !== 1) throw new Error('not answered');
process.stdout.write('ready\n');
await app.close();
