/**
 * The WeChat channel (wechaty): translates WeChat messages to IncomingMessage for the core and sends its
 * replies back — in a room as `room.say(text, asker)` so the asker is @-mentioned, paced per chat by ChatQueue.
 *
 * The core decides whether a group message is for the bot (@, reply/quote of the bot, trigger word, dialogue in
 * progress). The channel only drops what must never reach it: the bot's own messages, other bots and official
 * accounts, system / recalled / unknown messages; room joins, leaves and topic changes are not listened to.
 */
import qrcodeTerminal from 'qrcode-terminal';
import { pino } from 'pino';
import { WechatyBuilder, qrcodeValueToImageUrl, types, type Contact, type Message, type PuppetModuleName, type Room, type Wechaty } from 'wechaty';
import type { IncomingMessage, MessageHandler, Reply } from '../core/types.ts';
import type { Logger } from '../log.ts';
import { ChatQueue } from './queue.ts';
import { splitMessage } from './text.ts';

/**
 * Longest text the channel sends in one WeChat message (characters, including the "@name " prefix).
 * WeChat documents no limit for personal accounts; the one written limit is the official-account API's
 * 2048 bytes of UTF-8, and web-protocol puppets (wechat4u) have been seen to drop very long texts. 600 Chinese
 * characters are at most ~1800 bytes, so a piece is safe on every puppet, and on a phone it still fits on about
 * one screen instead of being folded behind 「全文」. Our answers are 100–400 characters, so they are rarely split.
 */
export const WECHAT_TEXT_LIMIT = 600;
/** default pacing: at least a second between two messages to one chat, plus up to half a second of jitter */
export const WECHAT_SEND_INTERVAL_MS = 1000;
export const WECHAT_SEND_JITTER_MS = 500;

/** A puppet instance (wechaty-puppet-mock's PuppetMock in tests, or any puppet built by the caller). */
export type WechatyPuppet = Wechaty['puppet'];

export interface HandledEvent {
  message: Message;
  /** why the message was not given to the core */
  ignored?: 'self' | 'not-individual' | 'type' | 'empty' | 'error';
  /** what the core was given */
  incoming?: IncomingMessage;
  replies: Reply[];
  /** resolves when every piece of every reply has been sent (or failed and been logged) */
  sent: Promise<void>;
}

export interface WechatyBotOptions {
  /** a ready puppet instance; when absent the puppet is built by name */
  puppet?: WechatyPuppet;
  /** npm name of the puppet (WECHATY_PUPPET): wechaty-puppet-wechat4u, wechaty-puppet-service, ... */
  puppetName?: string;
  /** the puppet's token (WECHATY_PUPPET_SERVICE_TOKEN), passed as puppetOptions.token */
  puppetToken?: string;
  /** the Wechaty name; with a name, the login session is kept in `<name>.memory-card.json` */
  name?: string;
  /** the core, or the guards around it */
  core: MessageHandler;
  /** WeChat ids (with or without the `wx:` prefix) that may use cadre commands everywhere */
  adminIds?: string[];
  /** outgoing pacing; default: one per chat at least WECHAT_SEND_INTERVAL_MS (+ jitter) apart */
  queue?: ChatQueue;
  log?: Logger;
  /** the clock for IncomingMessage.time (the bot's clock, not the message's timestamp) */
  now?: () => number;
  /** characters per sent message (default WECHAT_TEXT_LIMIT) */
  textLimit?: number;
  /** where the login QR code is drawn (default standard error: standard output is for replies) */
  qrOutput?: { write(s: string): unknown };
  /** called once per message after the core's replies were queued (metrics, tests) */
  onHandled?: (e: HandledEvent) => void;
}

const NON_TEXT = new Set<types.Message>([
  types.Message.Image,
  types.Message.Audio,
  types.Message.Video,
  types.Message.Emoticon,
  types.Message.Attachment,
  types.Message.ChatHistory,
  types.Message.MiniProgram,
  types.Message.Url,
]);

/**
 * A quote ("引用") as wechat4u and padlocal render it: `「name：quoted」\n- - - … -\nreply`.
 * @see wechaty-puppet-wechat4u src/wechat4u/schema-mapper/message/message-parser-refermsg.ts
 */
const QUOTE = /^「([^：]*)：([\s\S]*)」\n(?:- ){14}-\n([\s\S]*)$/;
/** WeChat has no forward flag on text; these are how people mark a passed-on question */
const FORWARD_MARK = /^\s*(?:【转发?】|\[转发?\]|转发[:：]|转[:：]|群友问[:：]?|转发)\s*/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** the mention pattern of each name the bot has had (a handful): built once, not per message */
const mentionRes = new Map<string, RegExp>();
function mentionRe(name: string): RegExp {
  let re = mentionRes.get(name);
  if (!re) mentionRes.set(name, (re = new RegExp(`@${escapeRe(name)}(?:[\\u2005\\u0020]|$)`, 'g')));
  return re;
}

/** Removes `@name` (followed by WeChat's U+2005, a space or the end) for each of the bot's names. */
export function stripMention(text: string, names: string[]): string {
  let out = text;
  for (const n of names.filter(Boolean)) out = out.replace(mentionRe(n), ' ');
  return out.replace(/\s{2,}/g, ' ').trim();
}

/** Reads a WeChat text: quote of the bot, quote of someone else, forward markers. */
export function readText(raw: string, botNames: string[]): { text: string; quotedBot: boolean; forwarded: boolean } {
  let text = raw;
  let quotedBot = false;
  let forwarded = false;
  const q = QUOTE.exec(raw);
  if (q) {
    const [, who = '', quoted = '', reply = ''] = q;
    if (botNames.includes(who.trim())) {
      quotedBot = true; // a reply to the bot: only the new words count (e.g. 「1」 to its choices)
      text = reply;
    } else {
      forwarded = true; // someone's question quoted to the bot: answer it in one go
      text = `${quoted}\n${reply}`;
    }
  }
  const mark = FORWARD_MARK.exec(text);
  if (mark) {
    forwarded = true;
    text = text.slice(mark[0].length);
  }
  return { text, quotedBot, forwarded };
}

const silent = (): Logger => pino({ level: 'silent' });

/** Builds the WeChat bot (not started): `await bot.start()` to log in. */
export function createWechatyBot(options: WechatyBotOptions): Wechaty {
  const log = options.log ?? silent();
  const now = options.now ?? Date.now;
  const limit = options.textLimit ?? WECHAT_TEXT_LIMIT;
  const admins = new Set((options.adminIds ?? []).map((id) => id.replace(/^wx:/, '')));
  const queue =
    options.queue ??
    new ChatQueue({
      minIntervalMs: WECHAT_SEND_INTERVAL_MS,
      jitterMs: WECHAT_SEND_JITTER_MS,
      onError: (err) => log.error({ err }, 'wechat send failed'),
    });
  // incoming messages of one chat are handled one after another, in arrival order, so the answers of a
  // burst leave in the order of the questions; different chats run side by side
  const inbound = new ChatQueue({ minIntervalMs: 0, onError: (err) => log.error({ err }, 'wechat message failed') });
  const qrOut = options.qrOutput ?? process.stderr;

  const bot = options.puppet
    ? WechatyBuilder.build({ name: options.name, puppet: options.puppet })
    : WechatyBuilder.build({
        name: options.name,
        // any puppet package works: wechaty imports it by name (the type only lists the official ones)
        puppet: options.puppetName as PuppetModuleName | undefined,
        puppetOptions: options.puppetToken ? { token: options.puppetToken } : {},
      });

  let loggedOut = false;
  bot.on('scan', (qrcode, status) => {
    const url = qrcodeValueToImageUrl(qrcode);
    log.info({ status: types.ScanStatus[status], url }, 'wechat login: scan the QR code');
    if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) {
      qrcodeTerminal.generate(qrcode, { small: true }, (qr) => qrOut.write(`用微信扫码登录机器人账号：\n${qr}\n${url}\n`));
    }
  });
  bot.on('login', (user) => {
    log.info({ user: user.name(), relogin: loggedOut }, loggedOut ? 'wechat logged in again (reconnected)' : 'wechat logged in');
    loggedOut = false;
  });
  bot.on('logout', (user, reason) => {
    loggedOut = true;
    log.warn({ user: user.name(), reason }, 'wechat logged out');
  });
  bot.on('error', (err) => log.error({ err }, 'wechat error'));
  bot.on('puppet', (puppet) => {
    puppet.on('reset', (p) => log.warn({ reason: p.data }, 'wechat puppet reset: reconnecting'));
  });

  const handled = (e: Omit<HandledEvent, 'sent'> & { sent?: Promise<void> }) => {
    try {
      options.onHandled?.({ ...e, sent: e.sent ?? Promise.resolve() });
    } catch (err) {
      log.error({ err }, 'onHandled failed');
    }
  };

  /** the bot's names in this chat: its WeChat name and its nickname in the room */
  async function botNames(room: Room | undefined): Promise<string[]> {
    const self = bot.currentUser;
    const names = [self.name()];
    if (room) {
      const alias = await room.alias(self).catch(() => undefined);
      if (alias) names.push(alias);
    }
    return names.filter(Boolean);
  }

  async function toIncoming(m: Message, talker: Contact, room: Room | undefined, nonText: boolean): Promise<IncomingMessage> {
    const chatType = room ? 'group' : 'private';
    let text = '';
    let mentioned = false;
    let forwarded = false;
    if (!nonText) {
      const names = await botNames(room);
      const read = readText(m.text(), names);
      forwarded = read.forwarded;
      mentioned = read.quotedBot;
      if (room) {
        const atBot = names.some((n) => read.text.includes(`@${n}`));
        mentioned ||= atBot || (await m.mentionSelf().catch(() => false));
        text = stripMention(read.text, names);
      } else text = read.text.trim();
    }
    const owner = room ? await room.owner() : undefined;
    const userName = (room ? await room.alias(talker).catch(() => undefined) : undefined) || talker.name();
    return {
      chatId: `wx:${room ? room.id : talker.id}`,
      userId: `wx:${talker.id}`,
      userName,
      chatType,
      mentioned,
      forwarded,
      text,
      time: now(),
      messageId: m.id,
      // the room's owner and the administrators the owner appointed (as far as the puppet reports them), and ADMIN_IDS
      isAdmin: admins.has(talker.id) || (!!owner && owner.id === talker.id) || !!room?.payload?.adminIdList?.includes(talker.id),
      ...(nonText ? { nonText: true } : {}),
    };
  }

  /**
   * Turns the replies into sends (the @-mention and the split are worked out here, awaited in the chat's
   * incoming order), then queues them all at once so the pieces of one answer stay together.
   */
  async function queueReplies(room: Room | undefined, talker: Contact, incoming: IncomingMessage, replies: Reply[]): Promise<{ sent: Promise<void> }> {
    const sends: (() => Promise<unknown>)[] = [];
    for (const r of replies) {
      let mention: Contact | undefined;
      if (room && r.replyTo) {
        mention = r.replyTo.userId === incoming.userId ? talker : await bot.Contact.find({ id: r.replyTo.userId.replace(/^wx:/, '') });
      }
      // room.say puts "@name " in front; keep each whole message within the limit
      const prefix = room && mention ? `@${(await room.alias(mention).catch(() => undefined)) || mention.name()} `.length : 0;
      splitMessage(r.text, Math.max(50, limit - prefix)).forEach((piece, i) => {
        if (!room) sends.push(() => talker.say(piece));
        else if (i === 0 && mention) sends.push(() => room.say(piece, mention));
        else sends.push(() => room.say(piece));
      });
    }
    const sent = sends.map((say) =>
      queue.push(incoming.chatId, async () => {
        try {
          await say();
        } catch (err) {
          log.error({ err, chat: incoming.chatType }, 'wechat send failed');
        }
      }),
    );
    return { sent: Promise.all(sent).then(() => undefined) };
  }

  async function onMessage(m: Message): Promise<void> {
    if (m.self()) return handled({ message: m, ignored: 'self', replies: [] });
    const type = m.type();
    const nonText = NON_TEXT.has(type);
    if (type !== types.Message.Text && !nonText) return handled({ message: m, ignored: 'type', replies: [] });
    const talker = m.talker();
    if (talker.type() !== types.Contact.Individual) return handled({ message: m, ignored: 'not-individual', replies: [] });
    const room = m.room();
    const incoming = await toIncoming(m, talker, room, nonText);
    if (!nonText && !incoming.text) return handled({ message: m, ignored: 'empty', incoming, replies: [] });
    const replies = await options.core.handle(incoming);
    const { sent } = await queueReplies(room, talker, incoming, replies);
    handled({ message: m, incoming, replies, sent });
  }

  bot.on('message', (m) => {
    let chatKey: string;
    try {
      chatKey = m.room()?.id ?? m.talker().id;
    } catch (err) {
      log.error({ err }, 'wechat message without room or talker');
      return;
    }
    void inbound.push(chatKey, async () => {
      try {
        await onMessage(m);
      } catch (err) {
        log.error({ err }, 'wechat message failed');
        handled({ message: m, ignored: 'error', replies: [] });
      }
    });
  });

  return bot;
}
