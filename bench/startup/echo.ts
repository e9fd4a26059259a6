/**
 * The reference for start-up: a plain grammY echo bot with grammY's own long polling, pointed at the local Bot API
 * stand-in the benchmark runs (TELEGRAM_API_ROOT), built and started like our bot (scripts/build.mjs: one CommonJS
 * bundle, started by its launcher with a V8 code cache).
 */
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT! } });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
process.on('SIGTERM', () => process.exit(0));
// no top-level await: the build makes a CommonJS bundle, as for our bot
void bot.start();
