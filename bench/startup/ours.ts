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
const { BOT_INFO, TOKEN, answerFirst } = await import('../offline.ts');
await answerFirst(createTelegramBot({ token: TOKEN, botInfo: BOT_INFO, core: app.handler }));
await app.close();
