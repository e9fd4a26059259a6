/** A bot identity and a Bot API that answers locally: what the benchmarks feed grammY instead of the network. */
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

export const BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: '医保咨询',
  username: 'yibao_zixun_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
export const TOKEN = '123456789:AAHbench-token-not-used-for-network_0';

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

