/** Start-up of a plain grammY echo bot: "ready" once the first message has been echoed (Bot API answered locally). */
import { Bot } from 'grammy';

const { BOT_INFO, TOKEN, answerFirst } = await import('../offline.ts');
const bot = new Bot(TOKEN, { botInfo: BOT_INFO });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
await answerFirst(bot);
