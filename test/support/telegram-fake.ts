/**
 * Test kit for the Telegram channel: realistic Update JSON and an API transformer that records Bot API calls
 * instead of sending them, answering each with a plausible result.
 */
import type { Bot } from 'grammy';
import type { Chat, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';

export const TOKEN = '123456789:AAHfake-token-for-tests_0123456789ab';

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

export const BOT_USER: User = { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username };

export function person(id: number, first_name: string, extra: Partial<User> = {}): User {
  return { id, is_bot: false, first_name, language_code: 'zh-hans', ...extra };
}

export function privateChat(u: User): Chat.PrivateChat {
  return { id: u.id, type: 'private', first_name: u.first_name, ...(u.username ? { username: u.username } : {}) };
}
export const GROUP: Chat.GroupChat = { id: -4012345678, type: 'group', title: '方太乡医保群' };
export const SUPERGROUP: Chat.SupergroupChat = { id: -1001987654321, type: 'supergroup', title: '桂阳街道居民群' };

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** what the fake answered */
  result?: unknown;
}

/**
 * Installs a transformer on `bot.api` that records every call and never reaches Telegram.
 * `delay(method, payload)` may slow some calls down (to shake the order of concurrent work).
 */
export function recordApi(
  bot: Bot,
  opts: {
    now?: () => number;
    delay?: (method: string, payload: Record<string, unknown>) => number;
    updates?: Update[];
    /** user ids getChatMember reports as administrators */
    chatAdmins?: number[];
  } = {},
) {
  const calls: ApiCall[] = [];
  /** what getUpdates hands out (long polling tests); drained as it is fetched */
  const updates = opts.updates ?? [];
  let nextId = 9000;
  const now = opts.now ?? Date.now;
  bot.api.config.use(async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    const call: ApiCall = { method, payload: p };
    calls.push(call);
    // an idle long poll waits a little, as Telegram's would
    const ms = opts.delay?.(method, p) ?? (method === 'getUpdates' && updates.length === 0 ? 20 : 0);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    call.result = fakeResultFor(method, p);
    return { ok: true, result: call.result } as never;
  });

  function fakeResultFor(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return BOT_INFO;
      case 'sendMessage': {
        const chatId = Number(p.chat_id);
        const chat: Chat =
          chatId > 0 ? { id: chatId, type: 'private', first_name: '居民' } : { id: chatId, type: 'supergroup', title: '群' };
        const msg: Message.TextMessage = {
          message_id: nextId++,
          date: Math.floor(now() / 1000),
          chat,
          from: BOT_USER,
          text: String(p.text),
        };
        if (p.reply_markup) (msg as Message).reply_markup = p.reply_markup as Message['reply_markup'];
        return msg;
      }
      case 'getChatMember': {
        const id = Number(p.user_id);
        const user: User = { id, is_bot: false, first_name: '成员' };
        return (opts.chatAdmins ?? []).includes(id)
          ? { status: 'administrator', user, can_be_edited: false, is_anonymous: false, can_manage_chat: true }
          : { status: 'member', user };
      }
      case 'getUpdates':
        return updates.splice(0);
      default:
        return true; // answerCallbackQuery, setWebhook, deleteWebhook, editMessageReplyMarkup...
    }
  }

  return {
    calls,
    /** the sendMessage payloads so far */
    sent: () => calls.filter((c) => c.method === 'sendMessage').map((c) => c.payload as unknown as SentMessage),
    /** the messages the bot sent, as Telegram returned them */
    results: () => calls.filter((c) => c.method === 'sendMessage' && c.result).map((c) => c.result as Message.TextMessage),
    of: (method: string) => calls.filter((c) => c.method === method).map((c) => c.payload),
    clear: () => void calls.splice(0),
    updates,
  };
}

export interface SentMessage {
  chat_id: number;
  text: string;
  reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean };
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  message_thread_id?: number;
}

/** Builds updates the way Telegram sends them: increasing update_id, message_id per chat, `date` in seconds. */
export class Updates {
  private updateId = 500_000;
  private readonly messageIds = new Map<number, number>();
  constructor(private readonly clockMs: () => number = Date.now) {}

  private date() {
    return Math.floor(this.clockMs() / 1000);
  }
  private nextMessageId(chat: Chat) {
    const n = (this.messageIds.get(chat.id) ?? 100) + 1;
    this.messageIds.set(chat.id, n);
    return n;
  }

  /** any message; `fields` are merged in (text, photo, forward_origin, new_chat_members...) */
  message(chat: Chat, from: User, fields: Partial<Message>): Update & { message: NonNullable<Update['message']> } {
    const message = { message_id: this.nextMessageId(chat), from, chat, date: this.date(), ...fields } as NonNullable<Update['message']>;
    return { update_id: ++this.updateId, message };
  }

  text(chat: Chat, from: User, text: string, fields: Partial<Message> = {}) {
    return this.message(chat, from, { text, ...fields });
  }

  /** `@bot_username rest`, with the mention entity Telegram attaches */
  mention(chat: Chat, from: User, rest: string, fields: Partial<Message> = {}) {
    const at = `@${BOT_INFO.username}`;
    const entities: MessageEntity[] = [{ type: 'mention', offset: 0, length: at.length }];
    return this.text(chat, from, `${at} ${rest}`, { entities, ...fields });
  }

  /** a reply to one of the bot's messages (as returned by sendMessage) */
  replyTo(chat: Chat, from: User, botMessage: { message_id: number; text: string; date?: number }, text: string) {
    const reply_to_message = { message_id: botMessage.message_id, from: BOT_USER, chat, date: botMessage.date ?? this.date(), text: botMessage.text } as Message;
    return this.text(chat, from, text, { reply_to_message } as Partial<Message>);
  }

  edited(original: Message, text: string): Update {
    return { update_id: ++this.updateId, edited_message: { ...original, text, edit_date: this.date() } as Update['edited_message'] & object };
  }

  /** a tap on a button of a message the bot sent */
  tap(chat: Chat, from: User, shown: { message_id: number; text: string; reply_markup?: unknown }, data: string, askerMessage?: Message): Update {
    const message = {
      message_id: shown.message_id,
      from: BOT_USER,
      chat,
      date: this.date(),
      text: shown.text,
      ...(shown.reply_markup ? { reply_markup: shown.reply_markup } : {}),
      ...(askerMessage ? { reply_to_message: askerMessage } : {}),
    } as Message;
    return {
      update_id: ++this.updateId,
      callback_query: { id: String(7_000_000 + this.updateId), from, message, chat_instance: `ci${chat.id}`, data },
    };
  }
}
