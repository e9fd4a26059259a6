/** A bot identity and a Bot API that answers locally: what the benchmarks feed grammY instead of the network. */
import type { Bot } from 'grammy';

export { BOT_INFO, TOKEN } from '../test/support/telegram-fake.ts';
import { BOT_INFO } from '../test/support/telegram-fake.ts';

/** answers every Bot API call locally; counts the messages sent */
export function offline(bot: Bot) {
  let sent = 0;
  let id = 1;
  bot.api.config.use(async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    if (method === 'sendMessage') {
      sent++;
      const chatId = Number(p.chat_id);
      return {
        ok: true,
        result: { message_id: id++, date: 1698804000, chat: { id: chatId, type: chatId > 0 ? 'private' : 'supergroup' }, from: BOT_INFO, text: p.text },
      } as never;
    }
    return { ok: true, result: true } as never;
  });
  return { sent: () => sent };
}


/** Answers the first question of a freshly started bot and says "ready" (the start-up benchmark's finish line). */
export async function answerFirst(bot: Bot): Promise<void> {
  const api = offline(bot);
  const now = Math.floor(Date.now() / 1000);
  const resident = { id: 42, is_bot: false, first_name: '居民' };
  await bot.handleUpdate({ update_id: 1, message: { message_id: 1, date: now, chat: { id: 42, type: 'private', first_name: '居民' }, from: resident, text: '方太乡低保户交多少钱' } });
  if (api.sent() !== 1) throw new Error('not answered');
  process.stdout.write('ready\n');
}
