/**
 * The Telegram channel (grammY): Telegram updates → IncomingMessage for the core, the core's replies → Bot API calls.
 *
 * The core decides whether a group message is for the bot; this channel only drops what must never be answered
 * (the bot's own messages, other bots, edited messages, joins/leaves and other service messages) and translates:
 * ids are prefixed `tg:`, choices become an inline keyboard whose taps count only for the member whose dialogue it
 * is, group answers are replies to the asker's message, long answers are split at line boundaries.
 *
 * `createTelegramBot` builds the `Bot` without starting it (tests drive it with `bot.handleUpdate`);
 * `startTelegram` installs auto-retry and the throttler and starts long polling (grammY runner) or a webhook.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, InlineKeyboard, webhookCallback, type Context } from 'grammy';
import type { Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { boundedLru } from '../state/bounded.ts';
import type { IncomingMessage, MessageHandler, Reply, ReplyChoice } from '../core/types.ts';
import type { Logger } from '../log.ts';
import { splitMessage } from './text.ts';

/** Telegram's limit for one message's text */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** The update types the bot needs (polling and webhook ask Telegram for these only). */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Only the logging calls the channel makes; a pino `Logger` fits. */
export type TelegramLog = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export interface TelegramBotOptions {
  /** the token from @BotFather */
  token: string;
  /** the bot's own user (getMe); given, the bot needs no network call before handling updates (tests) */
  botInfo?: UserFromGetMe;
  /** the core, or the core behind its guards (app.handler) */
  core: MessageHandler;
  /** senders who may use cadre commands: `tg:123456` or `123456` */
  adminIds?: readonly (string | number)[];
  log?: TelegramLog;
  /** ms since epoch, for taps on buttons (callback queries carry no date); default Date.now */
  now?: () => number;
  /** a self-hosted Bot API server or a relay instead of https://api.telegram.org (TELEGRAM_API_ROOT) */
  apiRoot?: string;
}

/** Shown (as a small pop-up) to a member who taps the buttons under someone else's question. */
const NOT_YOURS = '这是别人的问题的选项。您有问题请直接@我提问。';
/** Shown when a member taps the buttons of an earlier question of their dialogue. */
const STALE = '这是前面问题的选项，请看最新的一条消息。';
/** /start and /help are sent to the core as this word of the help command (flows/lexicon.yaml). */
const HELP_WORD = '帮助';

/** Message kinds that carry content the bot cannot read; anything else without text is a service message. */
const NON_TEXT_KINDS = [
  'photo', 'voice', 'audio', 'video', 'video_note', 'animation', 'sticker', 'document', 'live_photo', 'paid_media',
  'contact', 'location', 'venue', 'poll', 'dice', 'game', 'story', 'checklist', 'rich_message',
] as const;

const CALLBACK = /^c:(\d+):(\d{1,3})$/;

/** callback_data of a choice button: whose dialogue it belongs to and the number the core expects back */
export function choiceData(ownerId: number, value: string): string {
  return `c:${ownerId}:${value}`;
}

export function choiceKeyboard(choices: readonly ReplyChoice[], ownerId: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const c of choices) kb.text(`${c.value}. ${c.label}`, choiceData(ownerId, c.value)).row();
  return kb;
}

/**
 * Keeps a chat's answers in the order its messages arrived, while different members' messages are worked on at
 * the same time: each update takes its place on arrival, and sends only after the earlier places are done.
 */
class ChatOrder {
  private readonly tails = new Map<string, Promise<void>>();

  take(chat: string): { turn: Promise<void>; done: () => void } {
    const turn = this.tails.get(chat) ?? Promise.resolve();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const tail = turn.then(() => finished);
    this.tails.set(chat, tail);
    void tail.then(() => {
      if (this.tails.get(chat) === tail) this.tails.delete(chat);
    });
    return { turn, done };
  }
}

/** The sender is the group's owner or an administrator (asked only when a cadre command needs it). */
async function isChatAdmin(ctx: Context, chatId: number, userId: number): Promise<boolean> {
  const member = await ctx.api.getChatMember(chatId, userId);
  return member.status === 'creator' || member.status === 'administrator';
}

function senderName(u: { first_name: string; last_name?: string; username?: string }): string {
  return [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username || '';
}

interface Content {
  /** text or caption, without the @mention of the bot (and without `@bot` after a command) */
  text: string;
  nonText: boolean;
  mentionsBot: boolean;
  /** a leading /command: its name, and whether it names another bot (`/start@other_bot`) */
  command?: { name: string; forOtherBot: boolean };
}

/** What the message says, for the core; `null` for a service message (joins, leaves, pins...). */
function readContent(m: Message, me: UserFromGetMe): Content | null {
  const raw = m.text ?? m.caption;
  if (raw === undefined) {
    if (NON_TEXT_KINDS.some((k) => (m as unknown as Record<string, unknown>)[k] !== undefined)) {
      return { text: '', nonText: true, mentionsBot: false };
    }
    return null;
  }
  const entities: MessageEntity[] = (m.text !== undefined ? m.entities : m.caption_entities) ?? [];
  const username = me.username.toLowerCase();
  /** ranges to drop: mentions of the bot, `@bot` after a command */
  const cut: { offset: number; length: number; by: string }[] = [];
  let mentionsBot = false;
  let command: Content['command'];
  for (const e of entities) {
    const s = raw.slice(e.offset, e.offset + e.length);
    if ((e.type === 'mention' && s.toLowerCase() === `@${username}`) || (e.type === 'text_mention' && e.user.id === me.id)) {
      cut.push({ offset: e.offset, length: e.length, by: ' ' });
      mentionsBot = true;
    } else if (e.type === 'bot_command' && e.offset === 0) {
      const at = s.indexOf('@');
      const target = at < 0 ? undefined : s.slice(at + 1).toLowerCase();
      command = { name: (at < 0 ? s : s.slice(0, at)).slice(1).toLowerCase(), forOtherBot: target !== undefined && target !== username };
      if (target === username) {
        cut.push({ offset: at, length: s.length - at, by: '' }); // /bind@our_bot 方太乡 → /bind 方太乡
        mentionsBot = true;
      }
    }
  }
  let text = raw;
  for (const e of [...cut].sort((a, b) => b.offset - a.offset)) {
    const before = text.slice(0, e.offset);
    const after = text.slice(e.offset + e.length);
    text = e.by ? `${before.trimEnd()} ${after.trimStart()}` : before + after;
  }
  text = text.replace(/^[\s,，:：]+/, '').trim();
  // a picture whose caption only @-mentions the bot is still a picture
  if (!text && m.text === undefined) return { text: '', nonText: true, mentionsBot, command };
  return { text, nonText: false, mentionsBot, command };
}

/**
 * The grammY bot for the core, not started. Drive it with `bot.handleUpdate(update)` (tests, webhooks) or
 * `startTelegram(bot, ...)`.
 */
export function createTelegramBot(options: TelegramBotOptions): Bot {
  const { core, log } = options;
  const now = options.now ?? Date.now;
  const admins = new Set((options.adminIds ?? []).map((id) => (String(id).startsWith('tg:') ? String(id) : `tg:${id}`)));
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(options.apiRoot ? { client: { apiRoot: options.apiRoot } } : {}),
  });
  const order = new ChatOrder();
  const places = new WeakMap<object, { turn: Promise<void>; done: () => void }>();
  /** chat|member → message id of the member's latest keyboard (0: none); taps on older keyboards are stale */
  const keyboards = boundedLru<string, number>(100_000);

  bot.catch((err) => {
    log?.error({ err: err.error, update_id: err.ctx?.update?.update_id }, 'telegram update failed');
  });

  // Errors stay inside the bot (logged by bot.catch): a webhook that already answered must not leave a rejection behind.
  const safe = bot.errorBoundary((err) => bot.errorHandler(err));

  // Every chat message and tap takes its place in the chat's order as it arrives.
  safe.use(async (ctx, next) => {
    if (ctx.chat === undefined) return next();
    const place = order.take(String(ctx.chat.id));
    places.set(ctx.update, place);
    try {
      await next();
    } finally {
      place.done();
    }
  });
  // One member's updates are handled one after another (their dialogue is read and written per update).
  safe.use(sequentialize((ctx: Context) => (ctx.chat && ctx.from ? `${ctx.chat.id}|${ctx.from.id}` : undefined)));

  /** Sends the core's replies once the chat's earlier answers are out. */
  async function deliver(
    ctx: Context,
    replies: Reply[],
    where: { chatId: number; ownerId: number; replyToMessageId?: number; threadId?: number },
  ) {
    await places.get(ctx.update)?.turn;
    if (!replies.length) return;
    const key = `${where.chatId}|${where.ownerId}`;
    let keyboard = 0;
    for (const r of replies) {
      const parts = splitMessage(r.text, TELEGRAM_TEXT_LIMIT);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const sent = await ctx.api.sendMessage(where.chatId, part, {
          link_preview_options: { is_disabled: true },
          ...(where.threadId !== undefined ? { message_thread_id: where.threadId } : {}),
          ...(r.replyTo && where.replyToMessageId !== undefined
            ? { reply_parameters: { message_id: where.replyToMessageId, allow_sending_without_reply: true } }
            : {}),
          ...(last && r.choices?.length ? { reply_markup: choiceKeyboard(r.choices, where.ownerId) } : {}),
        });
        if (last) keyboard = r.choices?.length ? sent.message_id : 0;
      }
    }
    keyboards.set(key, keyboard);
  }

  safe.on('message', async (ctx) => {
    const m = ctx.message;
    const from = m.from;
    if (!from || from.is_bot || from.id === ctx.me.id) return; // other bots, our own messages, channel posts
    if (m.is_automatic_forward) return; // a linked channel's post copied into its discussion group
    const content = readContent(m, ctx.me);
    if (!content) return; // joins, leaves, pins, title changes... never answered
    if (content.command?.forOtherBot) return; // /start@other_bot is another bot's message
    const chatType = m.chat.type === 'private' ? 'private' : 'group';
    const helpCommand = content.command?.name === 'start' || content.command?.name === 'help';
    const mentioned = content.mentionsBot || m.reply_to_message?.from?.id === ctx.me.id || helpCommand;
    const userId = `tg:${from.id}`;
    const chatId = m.chat.id;
    const msg: IncomingMessage = {
      chatId: `tg:${m.chat.id}`,
      userId,
      userName: senderName(from),
      chatType,
      mentioned,
      forwarded: m.forward_origin !== undefined,
      text: helpCommand ? HELP_WORD : content.text,
      time: m.date * 1000,
      messageId: String(m.message_id),
      isAdmin: admins.has(userId),
      ...(chatType === 'group' ? { adminCheck: () => isChatAdmin(ctx, chatId, from.id) } : {}),
      ...(content.nonText ? { nonText: true } : {}),
    };
    const replies = await core.handle(msg);
    await deliver(ctx, replies, {
      chatId: m.chat.id,
      ownerId: from.id,
      replyToMessageId: m.message_id,
      threadId: m.is_topic_message ? m.message_thread_id : undefined,
    });
  });

  safe.on('callback_query:data', async (ctx) => {
    const q = ctx.callbackQuery;
    const match = CALLBACK.exec(q.data);
    const shown = q.message;
    if (!match || !shown) return void (await ctx.answerCallbackQuery());
    const owner = Number(match[1]);
    if (q.from.id !== owner) return void (await ctx.answerCallbackQuery({ text: NOT_YOURS }));
    const chat = shown.chat;
    const live = keyboards.get(`${chat.id}|${owner}`);
    if (live !== undefined && live !== shown.message_id) return void (await ctx.answerCallbackQuery({ text: STALE }));
    await ctx.answerCallbackQuery();
    const userId = `tg:${q.from.id}`;
    const replies = await core.handle({
      chatId: `tg:${chat.id}`,
      userId,
      userName: senderName(q.from),
      chatType: chat.type === 'private' ? 'private' : 'group',
      mentioned: true, // a tap on the bot's own buttons is addressed to it
      forwarded: false,
      text: match[2]!,
      time: now(),
      messageId: `cb:${q.id}`,
      isAdmin: admins.has(userId),
      ...(chat.type !== 'private' ? { adminCheck: () => isChatAdmin(ctx, chat.id, q.from.id) } : {}),
    });
    // reply to the asker's own message (the keyboard was a reply to it), else to the keyboard's message
    const asked = 'reply_to_message' in shown ? shown.reply_to_message : undefined;
    const threadId = 'is_topic_message' in shown && shown.is_topic_message ? shown.message_thread_id : undefined;
    await deliver(ctx, replies, {
      chatId: chat.id,
      ownerId: owner,
      replyToMessageId: asked?.from?.id === owner ? asked.message_id : shown.message_id,
      threadId,
    });
  });

  // game buttons and anything else: every callback query gets its answer
  safe.on('callback_query', (ctx) => ctx.answerCallbackQuery());

  return bot;
}

export interface TelegramStartOptions {
  /** public https URL: use a webhook instead of long polling */
  webhookUrl?: string;
  /** required with a webhook: Telegram sends it with every request (X-Telegram-Bot-Api-Secret-Token) */
  webhookSecret?: string;
  /** local port of the webhook server (default 8080; 0 picks a free one) */
  port?: number;
  /** local address of the webhook server (default all interfaces) */
  host?: string;
  log: TelegramLog;
}

export interface TelegramHandle {
  mode: 'polling' | 'webhook';
  /** the webhook server (webhook mode) */
  server?: Server;
  /** where the webhook server listens (webhook mode) */
  port?: number;
  stop(): Promise<void>;
}

/**
 * Starts the bot: installs auto-retry (429 `retry_after`, network errors, 5xx) and the throttler (Telegram's
 * per-chat and global limits), then long polling with the grammY runner, or a webhook when `webhookUrl` is set.
 */
export async function startTelegram(bot: Bot, opts: TelegramStartOptions): Promise<TelegramHandle> {
  const { log } = opts;
  if (opts.webhookUrl && !opts.webhookSecret) throw new Error('a Telegram webhook needs a secret token (TELEGRAM_WEBHOOK_SECRET)');
  // auto-retry inside the throttler: a retried message keeps its chat's place in line
  bot.api.config.use(autoRetry({ maxRetryAttempts: 8 }));
  bot.api.config.use(apiThrottler());
  log.info(opts.webhookUrl ? 'telegram: connecting (webhook)' : 'telegram: connecting (long polling)');
  await bot.init();
  const username = bot.botInfo.username;

  if (opts.webhookUrl) {
    const url = new URL(opts.webhookUrl);
    const handle = webhookCallback(bot, 'http', {
      secretToken: opts.webhookSecret,
      // a throttled burst can take minutes: answer Telegram in time (no re-delivery), keep working
      onTimeout: 'return',
      timeoutMilliseconds: 8_000,
    });
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST' || path !== url.pathname) {
        res.writeHead(404).end();
        return;
      }
      handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'telegram webhook request failed');
        if (!res.headersSent) res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8080, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => log.error({ err }, 'telegram webhook server error'));
    const port = (server.address() as AddressInfo).port;
    await bot.api.setWebhook(url.href, { secret_token: opts.webhookSecret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] });
    log.info({ bot: username, url: url.href, port }, 'telegram started (webhook)');
    return {
      mode: 'webhook',
      server,
      port,
      async stop() {
        await new Promise<void>((r) => server.close(() => r()));
        log.info({ bot: username }, 'telegram stopped');
      },
    };
  }

  await bot.api.deleteWebhook(); // getUpdates does not work while a webhook is set
  const runner: RunnerHandle = run(bot, { runner: { fetch: { allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] } } });
  let stopping = false;
  void runner.task()?.then(
    () => {
      if (!stopping) log.error({ bot: username }, 'telegram polling ended');
    },
    (err: unknown) => log.error({ err, bot: username }, 'telegram polling failed'),
  );
  log.info({ bot: username }, 'telegram started (long polling)');
  return {
    mode: 'polling',
    async stop() {
      stopping = true;
      if (runner.isRunning()) await runner.stop();
      log.info({ bot: username }, 'telegram stopped');
    },
  };
}
