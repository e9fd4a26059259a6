/** Start-up of a plain grammY echo bot: "ready" once the first message has been echoed (Bot API answered locally). */
import { Bot } from 'grammy';

const { BOT_INFO, TOKEN, offline } = await import('../offline.ts');
const bot = new Bot(TOKEN, { botInfo: BOT_INFO });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
const api = offline(bot);
await bot.handleUpdate({
  update_id: 1,
  message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 42, type: 'private', first_name: '居民' }, from: { id: 42, is_bot: false, first_name: '居民' }, text: '方太乡低保户交多少钱' },
});
if (api.sent() !== 1) throw new Error('not answered');
process.stdout.write('ready\n');
