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

