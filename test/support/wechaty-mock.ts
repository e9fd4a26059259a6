/**
 * A WeChat world for the channel tests: a real Wechaty on wechaty-puppet-mock, the bot's account, residents,
 * a room. What the bot sends is recorded on the mock side (the messages that appear from the bot's account),
 * together with the mention ids the puppet was asked to send.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { createWechatyBot, type HandledEvent, type WechatyBotOptions } from '../../src/channels/wechaty.ts';

export type ContactMock = mock.ContactMock;
export type RoomMock = mock.RoomMock;

export interface SentMessage {
  /** the room's mock id, or the contact's for a private chat */
  to: string;
  room: boolean;
  text: string;
  /** contact ids the bot asked the puppet to @ */
  mentionIds: string[];
  /** the world clock when it was sent */
  at: number;
}

export interface WorldOptions extends Omit<WechatyBotOptions, 'puppet' | 'onHandled'> {
  botName?: string;
  /** room members besides the bot (their WeChat ids are `wxid_<name>`); the first is the room owner */
  members?: string[];
  /** members the room's owner made administrators (群管理员) */
  roomAdmins?: string[];
  /** the clock recorded with each sent message (default Date.now) */
  clock?: () => number;
}

const BOT_NAME = '医保助手';

export async function mockWorld(opts: WorldOptions) {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const clock = opts.clock ?? Date.now;

  const sent: SentMessage[] = [];
  // the mention ids are not kept by the mock's message: take them from the send call itself
  const pendingMentions: string[][] = [];
  const sendText = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIdList?: string[]) => {
    pendingMentions.push(mentionIdList ?? []);
    return sendText(conversationId, text);
  };

  const handledEvents: HandledEvent[] = [];
  const waiting = new Map<string, (e: HandledEvent) => void>();
  const bot = createWechatyBot({
    ...opts,
    puppet,
    onHandled: (e) => {
      handledEvents.push(e);
      waiting.get(e.message.id)?.(e);
      waiting.delete(e.message.id);
    },
  });

  const botContact = mocker.createContact({ name: opts.botName ?? BOT_NAME });
  // (the mock's typed-emitter typings do not resolve under NodeNext: it is a plain EventEmitter)
  (botContact as unknown as EventEmitter).on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId !== botContact.id) return; // the bot's account also hears what is said to it
    const roomId = m.payload.roomId;
    sent.push({
      to: roomId ?? m.payload.listenerId ?? '',
      room: !!roomId,
      text: m.payload.text ?? '',
      mentionIds: pendingMentions.shift() ?? [],
      at: clock(),
    });
  });
  const members = (opts.members ?? ['Alice', 'Bob', 'Carol']).map((name) => mocker.createContact({ name, id: `wxid_${name}` }));
  const member = (name: string) => {
    const c = members.find((m) => m.payload.name === name);
    if (!c) throw new Error(`no member ${name}`);
    return c;
  };
  const room = mocker.createRoom({
    topic: '方太乡医保群',
    memberIdList: [botContact.id, ...members.map((m) => m.id)],
    ownerId: members[0]?.id,
    adminIdList: (opts.roomAdmins ?? []).map((name) => member(name).id),
  });

  const loggedIn = new Promise<void>((resolve) => bot.once('login', () => resolve()));
  await bot.start();
  mocker.login(botContact);
  await loggedIn;

  /** the id of the message the mock just created (say().to() is synchronous) */
  const lastMessageId = () => [...mocker.cacheMessagePayload.keys()].at(-1)!;

  /** waits until the channel has handled that message and everything it queued was sent */
  async function settle(messageId: string, timeoutMs = 5000): Promise<{ event: HandledEvent; replies: SentMessage[] }> {
    const before = sent.length;
    const done = handledEvents.find((e) => e.message.id === messageId);
    const event =
      done ??
      (await new Promise<HandledEvent>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`message ${messageId} was not handled in ${timeoutMs} ms`)), timeoutMs);
        waiting.set(messageId, (e) => {
          clearTimeout(t);
          resolve(e);
        });
      }));
    await event.sent;
    return { event, replies: sent.slice(before) };
  }

  /** a member says something (in the room, or privately to the bot) and the channel handles it */
  async function say(from: ContactMock, text: string, where: 'room' | 'private' = 'room', mentions: ContactMock[] = []) {
    const before = sent.length;
    from.say(text, mentions).to(where === 'room' ? room : botContact);
    const r = await settle(lastMessageId());
    return { ...r, replies: sent.slice(before) };
  }

  /** a message of any type, as a puppet would deliver it */
  async function deliver(from: ContactMock, payload: Partial<payloads.Message>, where: 'room' | 'private' = 'room') {
    const before = sent.length;
    const base = { id: randomUUID(), talkerId: from.id, timestamp: Date.now(), type: types.Message.Text, ...payload };
    const full = where === 'room' ? { mentionIdList: [], ...base, roomId: room.id } : { ...base, listenerId: botContact.id };
    const msg = mocker.MessageMock.create(full as payloads.Message);
    puppet.emit('message', { messageId: msg.id });
    const r = await settle(msg.id);
    return { ...r, replies: sent.slice(before) };
  }

  /** `@医保助手 text`, as WeChat writes a mention (U+2005 after the name) */
  const atBot = (text: string) => `@${botContact.payload.name}\u2005${text}`;

  return {
    mocker,
    puppet,
    bot,
    botContact,
    room,
    members,
    member,
    sent,
    handledEvents,
    say,
    deliver,
    settle,
    atBot,
    lastMessageId,
    async stop() {
      await bot.stop();
    },
  };
}
export type MockWorld = Awaited<ReturnType<typeof mockWorld>>;

/** the text of a quote (引用) as wechat4u and padlocal deliver it */
export function quoteText(quotedName: string, quoted: string, reply: string): string {
  return `「${quotedName}：${quoted}」\n- - - - - - - - - - - - - - -\n${reply}`;
}
