/**
 * The reference for start-up: a plain grammY echo bot with grammY's own long polling, pointed at the local Bot API
 * stand-in the benchmark runs (TELEGRAM_API_ROOT), bundled like our bot.
 */
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT! } });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
process.on('SIGTERM', () => process.exit(0));
await bot.start();
