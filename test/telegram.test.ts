/**
 * The Telegram channel driven through a real grammY Bot: `bot.handleUpdate` with realistic update JSON, and an API
 * transformer that records calls instead of sending them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Bot } from 'grammy';
import type { Message, Update, User } from 'grammy/types';
import { createTelegramBot, startTelegram, choiceData, TELEGRAM_TEXT_LIMIT } from '../src/channels/telegram.ts';
import { splitMessage } from '../src/channels/text.ts';
import type { IncomingMessage, MessageHandler, Reply } from '../src/core/types.ts';
import { Guard } from '../src/core/guard.ts';
import { EmbeddedState } from '../src/state/embedded.ts';
import { flows, testCore } from './support/core.ts';
import { checkTurn, loadTranscripts } from './support/transcripts.ts';
import {
  BOT_INFO,
  GROUP,
  SUPERGROUP,
  TOKEN,
  Updates,
  person,
  privateChat,
  recordApi,
  type SentMessage,
} from './support/telegram-fake.ts';

const alice = person(1001, '王', { last_name: '秀英' });
const bob = person(1002, '李', { last_name: '建国', username: 'lijianguo' });
const carol = person(1003, '张', { last_name: '桂兰' });
const otherBot: User = { id: 5550001, is_bot: true, first_name: 'Group Helper', username: 'group_helper_bot' };

/** pino writing into an array, so every test can check that nothing was logged as an error */
function memoryLog() {
  const entries: { level: number; msg?: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'debug', base: undefined }, { write: (s: string) => void entries.push(JSON.parse(s)) });
  return { log, entries, errors: () => entries.filter((e) => e.level >= 50) };
}

const logs: ReturnType<typeof memoryLog>[] = [];
afterEach(() => {
  for (const l of logs.splice(0)) expect(l.errors()).toEqual([]);
});

/** A bot on a real core with a test clock; the core's inputs are recorded too. */
function setup(
  opts: {
    today?: string;
    region?: string;
    adminIds?: (string | number)[];
    chatAdmins?: number[];
    core?: MessageHandler;
    delay?: (method: string, payload: Record<string, unknown>) => number;
  } = {},
) {
  const { core: realCore, clock } = testCore({ today: opts.today, region: opts.region });
  const inner = opts.core ?? realCore;
  const seen: IncomingMessage[] = [];
  const core: MessageHandler = {
    handle: (msg) => {
      seen.push(msg);
      return inner.handle(msg);
    },
  };
  const l = memoryLog();
  logs.push(l);
  const bot = createTelegramBot({ token: TOKEN, botInfo: BOT_INFO, core, adminIds: opts.adminIds, log: l.log, now: clock.now });
  const api = recordApi(bot, { now: clock.now, delay: opts.delay, chatAdmins: opts.chatAdmins });
  const up = new Updates(clock.now);
  return { bot, api, up, clock, seen, log: l };
}

/** the same message straight into a fresh core: what the channel must show */
function directCore(opts: { today?: string; region?: string } = {}) {
  const { core, clock } = testCore(opts);
  return {
    clock,
    ask: async (text: string, more: Partial<IncomingMessage> = {}) =>
      (
        await core.handle({ chatId: 'c', userId: 'u', chatType: 'private', mentioned: true, forwarded: false, text, time: clock.now(), ...more })
      )
        .map((r) => r.text)
        .join('\n'),
  };
}

const texts = (sent: SentMessage[]) => sent.map((s) => s.text).join('\n');
const buttons = (s: SentMessage | undefined) => s?.reply_markup?.inline_keyboard.flat() ?? [];

describe('private chat', () => {
  it('answers a question with the core’s text and the choices as buttons for the asker', async () => {
    const { bot, api, up } = setup();
    await bot.handleUpdate(up.text(privateChat(alice), alice, '我是低保户交多少钱？'));
    const sent = api.sent();
    expect(sent).toHaveLength(1);
    const [m] = sent;
    expect(m!.chat_id).toBe(alice.id);
    expect(m!.text).toBe(await directCore().ask('我是低保户交多少钱？'));
    expect(m!.reply_parameters).toBeUndefined(); // no reply threads in a private chat
    // each numbered choice in the text is a button that sends that number back, owned by the asker
    const numbered = m!.text.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(numbered.length).toBeGreaterThan(1);
    expect(buttons(m).map((b) => b.text)).toEqual(numbered);
    expect(buttons(m).map((b) => b.callback_data)).toEqual(numbered.map((_, i) => choiceData(alice.id, String(i + 1))));
  });

  it('passes ids, names, time and admin rights to the core', async () => {
    const { bot, up, seen, clock } = setup({ adminIds: ['tg:1002', 1003] });
    const updates = [
      up.text(privateChat(alice), alice, '方太乡交多少钱'),
      up.text(privateChat(bob), bob, '方太乡交多少钱'),
      up.text(SUPERGROUP, carol, '医保 方太乡交多少钱'),
    ];
    for (const u of updates) await bot.handleUpdate(u);
    expect(seen.map((m) => [m.chatId, m.userId, m.userName, m.chatType, m.isAdmin])).toEqual([
      [`tg:${alice.id}`, 'tg:1001', '王 秀英', 'private', false],
      [`tg:${bob.id}`, 'tg:1002', '李 建国', 'private', true],
      [`tg:${SUPERGROUP.id}`, 'tg:1003', '张 桂兰', 'group', true],
    ]);
    expect(seen[0]!.time).toBe(clock.now());
    expect(seen.map((m) => m.messageId)).toEqual(updates.map((u) => String(u.message.message_id))); // per chat, for de-duplication
  });

  it('/start and /help show what the bot can do', async () => {
    const { bot, api, up } = setup();
    const cmd = '/start';
    await bot.handleUpdate(up.text(privateChat(alice), alice, cmd, { entities: [{ type: 'bot_command', offset: 0, length: cmd.length }] }));
    expect(api.sent()[0]!.text).toBe(await directCore().ask('帮助'));
  });

  it('answers a forwarded question in one go', async () => {
    const { bot, api, up, seen } = setup();
    const q = '方太乡低保户，2023年11月5日交，交多少钱？';
    await bot.handleUpdate(
      up.text(privateChat(alice), alice, q, { forward_origin: { type: 'hidden_user', sender_user_name: '村民老刘', date: 1698700000 } }),
    );
    expect(seen[0]!.forwarded).toBe(true);
    expect(api.sent()[0]!.text).toBe(await directCore().ask(q, { forwarded: true }));
  });

  it('a forwarded picture with a caption is answered from the caption', async () => {
    const { bot, api, up, seen } = setup();
    const q = '桂阳街道特困人员交多少钱';
    await bot.handleUpdate(
      up.message(privateChat(alice), alice, {
        photo: [{ file_id: 'AgAC1', file_unique_id: 'u1', width: 90, height: 90 }],
        caption: q,
        forward_origin: { type: 'user', sender_user: bob, date: 1698700000 },
      }),
    );
    expect(seen[0]).toMatchObject({ forwarded: true, text: q });
    expect(seen[0]!.nonText).toBeUndefined();
    expect(api.sent()[0]!.text).toBe(await directCore().ask(q, { forwarded: true }));
  });

  it('a picture, voice or sticker gets one hint to type, then silence', async () => {
    const { bot, api, up, seen } = setup();
    const chat = privateChat(alice);
    await bot.handleUpdate(up.message(chat, alice, { photo: [{ file_id: 'AgAC2', file_unique_id: 'u2', width: 800, height: 600 }] }));
    await bot.handleUpdate(up.message(chat, alice, { voice: { file_id: 'AwAC', file_unique_id: 'v1', duration: 4, mime_type: 'audio/ogg' } }));
    await bot.handleUpdate(
      up.message(chat, alice, { sticker: { file_id: 'CAAC', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }),
    );
    expect(seen.map((m) => [m.nonText, m.text])).toEqual([
      [true, ''],
      [true, ''],
      [true, ''],
    ]);
    expect(api.sent()).toHaveLength(1);
    expect(api.sent()[0]!.text).toBe(await directCore().ask('', { nonText: true }));
  });
});

describe('groups', () => {
  it('ignores plain chatter, answers an @mention with a reply to the asker', async () => {
    const { bot, api, up, seen } = setup();
    await bot.handleUpdate(up.text(GROUP, alice, '今天赶集的人好多'));
    await bot.handleUpdate(up.text(GROUP, bob, '交多少钱啊今年'));
    expect(api.calls).toEqual([]);

    const u = up.mention(GROUP, alice, '方太乡低保户交多少钱？');
    await bot.handleUpdate(u);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ mentioned: true, chatType: 'group', text: '方太乡低保户交多少钱？' });
    const sent = api.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat_id).toBe(GROUP.id);
    expect(sent[0]!.reply_parameters).toEqual({ message_id: u.message.message_id, allow_sending_without_reply: true });
    expect(sent[0]!.text).toBe(await directCore().ask('方太乡低保户交多少钱？'));
    expect(buttons(sent[0]).every((b) => b.callback_data.startsWith(`c:${alice.id}:`))).toBe(true);
  });

  it('a mention in the middle of the text or by text_mention counts too', async () => {
    const { bot, api, up, seen } = setup();
    const at = `@${BOT_INFO.username}`;
    const text = `请问 ${at} 桂阳街道怎么缴费`;
    await bot.handleUpdate(up.text(SUPERGROUP, alice, text, { entities: [{ type: 'mention', offset: 3, length: at.length }] }));
    await bot.handleUpdate(
      up.text(SUPERGROUP, bob, '医保机器人 方太乡交多少', {
        entities: [{ type: 'text_mention', offset: 0, length: 5, user: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name } }],
      }),
    );
    expect(seen.map((m) => [m.mentioned, m.text])).toEqual([
      [true, '请问 桂阳街道怎么缴费'],
      [true, '方太乡交多少'],
    ]);
    expect(api.sent()).toHaveLength(2);
  });

  it('a mention of someone else is not a mention of the bot', async () => {
    const { bot, api, up, seen } = setup();
    await bot.handleUpdate(up.text(GROUP, alice, '@lijianguo 你交了吗', { entities: [{ type: 'mention', offset: 0, length: 11 }] }));
    expect(seen[0]!.mentioned).toBe(false);
    expect(api.calls).toEqual([]);
  });

  it('answers the trigger word in a supergroup, and a reply to the bot', async () => {
    const { bot, api, up, seen } = setup();
    const q = up.text(SUPERGROUP, bob, '医保 桂阳街道交多少钱');
    await bot.handleUpdate(q);
    const [first] = api.sent();
    expect(first!.text).toContain(await directCore().ask('桂阳街道交多少钱'));
    expect(first!.reply_parameters?.message_id).toBe(q.message.message_id);

    // carol replies to the bot's answer for bob: for the bot (the core decides what it means)
    const botMsg = api.results()[0]!;
    api.clear();
    const reply = up.replyTo(SUPERGROUP, carol, botMsg, '方太乡特困人员呢');
    await bot.handleUpdate(reply);
    expect(seen.at(-1)!.mentioned).toBe(true);
    expect(api.sent()).toHaveLength(1);
    expect(api.sent()[0]!.reply_parameters?.message_id).toBe(reply.message.message_id);
  });

  it('a member in the middle of a dialogue answers without @; other members’ numbers are chatter', async () => {
    const { bot, api, up } = setup();
    await bot.handleUpdate(up.mention(GROUP, alice, '我是低保户交多少钱？'));
    api.clear();
    await bot.handleUpdate(up.text(GROUP, bob, '1'));
    expect(api.calls).toEqual([]);
    const typed = up.text(GROUP, alice, '1');
    await bot.handleUpdate(typed);
    const d = directCore();
    await d.ask('我是低保户交多少钱？');
    expect(api.sent().map((s) => s.text)).toEqual([await d.ask('1')]);
    expect(api.sent()[0]!.reply_parameters?.message_id).toBe(typed.message.message_id);
  });

  it('two members keep separate dialogues in one group', async () => {
    const { bot, api, up } = setup();
    await bot.handleUpdate(up.mention(GROUP, alice, '我是低保户交多少钱？'));
    await bot.handleUpdate(up.mention(GROUP, bob, '方太乡交多少钱'));
    await bot.handleUpdate(up.text(GROUP, alice, '1'));
    await bot.handleUpdate(up.text(GROUP, bob, '2'));
    const a = directCore();
    const b = directCore();
    const expected = [await a.ask('我是低保户交多少钱？'), await b.ask('方太乡交多少钱'), await a.ask('1'), await b.ask('2')];
    expect(api.sent().map((s) => s.text)).toEqual(expected);
  });

  it('a picture in a group: silence unless it is addressed to the bot', async () => {
    const { bot, api, up, seen } = setup();
    const photo = [{ file_id: 'AgAC3', file_unique_id: 'u3', width: 800, height: 600 }];
    await bot.handleUpdate(up.message(GROUP, alice, { photo }));
    expect(seen[0]).toMatchObject({ nonText: true, mentioned: false });
    expect(api.calls).toEqual([]);
    const reply = up.message(GROUP, alice, { photo, reply_to_message: { message_id: 42, from: { id: BOT_INFO.id, is_bot: true, first_name: 'x' }, chat: GROUP, date: 1, text: '…' } } as Partial<Message>);
    await bot.handleUpdate(reply);
    expect(api.sent()).toHaveLength(1);
    expect(api.sent()[0]!.reply_parameters?.message_id).toBe(reply.message.message_id);
  });

  it('never answers edits, joins, leaves, service messages, its own messages or other bots', async () => {
    const { bot, api, up, seen } = setup();
    const q = up.mention(GROUP, alice, '方太乡交多少钱');
    await bot.handleUpdate(q);
    api.clear();
    seen.splice(0);
    const updates: Update[] = [
      up.edited(q.message, `@${BOT_INFO.username} 桂阳街道交多少钱`),
      up.message(GROUP, carol, { new_chat_members: [carol] }),
      up.message(GROUP, bob, { left_chat_member: bob }),
      up.message(GROUP, alice, { new_chat_title: '方太乡医保咨询群' }),
      up.message(GROUP, alice, { pinned_message: { message_id: 1, chat: GROUP, date: 0 } }),
      up.mention(GROUP, otherBot, '方太乡交多少钱'),
      up.text(GROUP, otherBot, '医保 方太乡交多少钱'),
      up.mention(GROUP, { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username }, '方太乡交多少钱'),
      up.text(SUPERGROUP, person(777000, 'Telegram'), '医保缴费通知', { is_automatic_forward: true } as Partial<Message>),
      { update_id: 1, edited_channel_post: { message_id: 3, chat: { id: -1002, type: 'channel', title: 'c' }, date: 0, edit_date: 1, text: '医保' } },
    ];
    for (const u of updates) await bot.handleUpdate(u);
    expect(seen).toEqual([]);
    expect(api.calls).toEqual([]);
  });

  it('slash commands: `@bot` after the command is the bot’s, another bot’s commands are not', async () => {
    const { bot, api, up, seen } = setup();
    const ours = `/bind@${BOT_INFO.username} 方太乡`;
    await bot.handleUpdate(up.text(GROUP, alice, ours, { entities: [{ type: 'bot_command', offset: 0, length: ours.indexOf(' ') }] }));
    expect(seen.at(-1)).toMatchObject({ text: '/bind 方太乡', mentioned: true });
    const theirs = '/start@group_helper_bot';
    await bot.handleUpdate(up.text(GROUP, bob, theirs, { entities: [{ type: 'bot_command', offset: 0, length: theirs.length }] }));
    const help = `/help@${BOT_INFO.username}`;
    await bot.handleUpdate(up.text(GROUP, carol, help, { entities: [{ type: 'bot_command', offset: 0, length: help.length }] }));
    expect(seen.map((m) => m.userId)).toEqual([`tg:${alice.id}`, `tg:${carol.id}`]);
    expect(seen.at(-1)).toMatchObject({ text: '帮助', mentioned: true });
    expect(api.sent().at(-1)!.text).toBe(await directCore().ask('帮助'));
  });

  it('asks Telegram whether a group member is an admin only when the core wants to know', async () => {
    const { bot, api, up, seen } = setup({ chatAdmins: [bob.id] });
    await bot.handleUpdate(up.mention(SUPERGROUP, alice, '方太乡交多少钱'));
    await bot.handleUpdate(up.mention(SUPERGROUP, bob, '方太乡交多少钱'));
    await bot.handleUpdate(up.text(privateChat(bob), bob, '方太乡交多少钱'));
    expect(api.of('getChatMember')).toEqual([]);
    expect(seen[2]!.adminCheck).toBeUndefined(); // no chat admins in a private chat
    expect(await seen[0]!.adminCheck!()).toBe(false);
    expect(await seen[1]!.adminCheck!()).toBe(true);
    expect(api.of('getChatMember')).toEqual([
      { chat_id: SUPERGROUP.id, user_id: alice.id },
      { chat_id: SUPERGROUP.id, user_id: bob.id },
    ]);
  });

  it('a picture whose caption only mentions the bot gets the hint', async () => {
    const { bot, api, up, seen } = setup();
    const at = `@${BOT_INFO.username}`;
    await bot.handleUpdate(
      up.message(GROUP, alice, {
        photo: [{ file_id: 'AgAC4', file_unique_id: 'u4', width: 800, height: 600 }],
        caption: at,
        caption_entities: [{ type: 'mention', offset: 0, length: at.length }],
      }),
    );
    expect(seen[0]).toMatchObject({ nonText: true, mentioned: true, text: '' });
    expect(api.sent()[0]!.text).toBe(await directCore().ask('', { nonText: true }));
  });

  it('keeps a forum topic’s answer in the topic', async () => {
    const { bot, api, up } = setup();
    const forum = { ...SUPERGROUP, id: -1003000000001, is_forum: true as const };
    await bot.handleUpdate(up.mention(forum, alice, '方太乡交多少钱', { is_topic_message: true, message_thread_id: 77 }));
    expect(api.sent()[0]!.message_thread_id).toBe(77);
  });
});

describe('buttons', () => {
  async function askInGroup() {
    const s = setup();
    const q = s.up.mention(GROUP, alice, '我是低保户交多少钱？');
    await s.bot.handleUpdate(q);
    const shown = s.api.sent()[0]!;
    const result = s.api.results()[0]!;
    s.api.clear();
    return { ...s, q, shown, result };
  }

  it('a tap by the asker answers the query and continues the dialogue, replying to the asker', async () => {
    const { bot, api, up, q, shown, result, seen } = await askInGroup();
    const btn = buttons(shown)[0]!;
    await bot.handleUpdate(up.tap(GROUP, alice, result, btn.callback_data, q.message));
    expect(api.calls[0]!.method).toBe('answerCallbackQuery');
    expect(api.of('answerCallbackQuery')[0]!.text).toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ text: '1', mentioned: true, userId: `tg:${alice.id}`, chatId: `tg:${GROUP.id}` });
    const d = directCore();
    await d.ask('我是低保户交多少钱？');
    expect(api.sent().map((s) => s.text)).toEqual([await d.ask('1')]);
    expect(api.sent()[0]!.reply_parameters?.message_id).toBe(q.message.message_id);
    expect(buttons(api.sent()[0]).length).toBeGreaterThan(0);
  });

  it('a tap by another member only gets a polite pop-up', async () => {
    const { bot, api, up, q, shown, result, seen } = await askInGroup();
    const before = seen.length;
    await bot.handleUpdate(up.tap(GROUP, bob, result, buttons(shown)[1]!.callback_data, q.message));
    expect(api.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
    expect(String(api.of('answerCallbackQuery')[0]!.text)).toMatch(/\S/);
    expect(seen.length).toBe(before);
    // and the asker's dialogue was not touched: her own tap still works
    await bot.handleUpdate(up.tap(GROUP, alice, result, buttons(shown)[1]!.callback_data, q.message));
    expect(api.sent()).toHaveLength(1);
  });

  it('a tap on an earlier question’s buttons does not answer the current question', async () => {
    const { bot, api, up, q, shown, result } = await askInGroup();
    await bot.handleUpdate(up.tap(GROUP, alice, result, buttons(shown)[0]!.callback_data, q.message)); // now the next question
    api.clear();
    await bot.handleUpdate(up.tap(GROUP, alice, result, buttons(shown)[0]!.callback_data, q.message)); // the old keyboard again
    expect(api.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
    expect(String(api.of('answerCallbackQuery')[0]!.text)).toMatch(/\S/);
  });

  it('answers callback queries it does not know', async () => {
    const { bot, api, up } = setup();
    await bot.handleUpdate(up.tap(GROUP, alice, { message_id: 5, text: 'x' }, 'something-else'));
    await bot.handleUpdate({ update_id: 2, callback_query: { id: 'g1', from: alice, chat_instance: 'ci', game_short_name: 'g' } });
    expect(api.calls.map((c) => c.method)).toEqual(['answerCallbackQuery', 'answerCallbackQuery']);
  });
});

describe('size and pacing', () => {
  it('splits a long answer at line boundaries, buttons under the last part', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `第${i + 1}行：${'说明'.repeat(8 + (i % 5))}`);
    const long: Reply = { text: lines.join('\n'), choices: [{ label: '重新问', value: '1' }], replyTo: { userId: 'tg:1001' } };
    const { bot, api, up } = setup({ core: { handle: async () => [long] } });
    const q = up.mention(GROUP, alice, '长问题');
    await bot.handleUpdate(q);
    const sent = api.sent();
    expect(sent.length).toBeGreaterThan(1);
    for (const s of sent) expect(s.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(sent.map((s) => s.text).join('\n')).toBe(long.text);
    expect(sent.slice(0, -1).every((s) => s.reply_markup === undefined)).toBe(true);
    expect(buttons(sent.at(-1))).toHaveLength(1);
    expect(sent.every((s) => s.reply_parameters?.message_id === q.message.message_id)).toBe(true);
  });

  it('behind the guards, a re-delivered update is answered once; a tap is not a duplicate of a message', async () => {
    const { core } = testCore();
    const state = await EmbeddedState.open({ dir: '', memoryOnly: true });
    const guard = new Guard(core, { state, messages: flows.messages, maxChars: 500, floodPerMinute: 6 });
    const { bot, api, up } = setup({ core: guard });
    const q = up.mention(GROUP, alice, '我是低保户交多少钱？');
    await bot.handleUpdate(q);
    await bot.handleUpdate(q); // Telegram delivers again after a timeout
    expect(api.sent()).toHaveLength(1);
    const shown = api.results()[0]!;
    await bot.handleUpdate(up.tap(GROUP, alice, shown, choiceData(alice.id, '1'), q.message));
    expect(api.sent()).toHaveLength(2);
    await state.close();
  });

  it('a burst of 50 questions in one group is answered in order, nothing dropped', async () => {
    const members = [alice, bob, carol, ...Array.from({ length: 7 }, (_, i) => person(2000 + i, `村民${i + 1}`))];
    const questions = ['方太乡低保户交多少钱', '桂阳街道交多少钱', '方太乡什么时候截止', '桂阳街道怎么缴费', '方太乡咨询电话'];
    // the core answers later questions faster than earlier ones, and Telegram is slow now and then
    const { core: real } = testCore();
    let n = 0;
    const slowCore: MessageHandler = {
      handle: async (m) => {
        const wait = 50 - n++;
        await new Promise((r) => setTimeout(r, wait));
        return real.handle(m);
      },
    };
    const { bot, api, up } = setup({ core: slowCore, delay: (_m, p) => (Number(String(p.text ?? '').length) % 7) });
    const burst = Array.from({ length: 50 }, (_, i) => {
      const who = members[i % members.length]!;
      const q = questions[i % questions.length]!;
      return i % 2 ? up.mention(SUPERGROUP, who, q) : up.text(SUPERGROUP, who, `医保 ${q}`);
    });
    await Promise.all(burst.map((u) => bot.handleUpdate(u)));
    const sent = api.sent();
    expect(sent).toHaveLength(50);
    expect(sent.map((s) => s.reply_parameters?.message_id)).toEqual(burst.map((u) => u.message.message_id));
    expect(sent.every((s) => s.chat_id === SUPERGROUP.id && s.text.length > 0)).toBe(true);
  });
});

describe('start-up', () => {
  it('webhook: checks the secret, answers through the handler, sets the webhook with its secret', async () => {
    const { bot, api, up } = setup();
    const l = memoryLog();
    const h = await startTelegram(bot, { webhookUrl: 'https://bot.example.org/tg/hook', webhookSecret: 's3cret-token', port: 0, host: '127.0.0.1', log: l.log });
    try {
      expect(h.mode).toBe('webhook');
      expect(api.of('setWebhook')).toEqual([
        { url: 'https://bot.example.org/tg/hook', secret_token: 's3cret-token', allowed_updates: ['message', 'callback_query'] },
      ]);
      const post = (path: string, secret: string | undefined, body: unknown) =>
        fetch(`http://127.0.0.1:${h.port}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
          body: JSON.stringify(body),
        });
      expect((await post('/tg/hook', 'wrong', up.text(privateChat(alice), alice, '方太乡交多少钱'))).status).toBe(401);
      expect((await post('/other', 's3cret-token', up.text(privateChat(alice), alice, '方太乡交多少钱'))).status).toBe(404);
      expect(api.sent()).toEqual([]);
      const ok = await post('/tg/hook', 's3cret-token', up.text(privateChat(alice), alice, '方太乡交多少钱'));
      expect(ok.status).toBe(200);
      expect(api.sent().map((m) => m.text)).toEqual([await directCore().ask('方太乡交多少钱')]);
    } finally {
      await h.stop();
    }
    expect(l.entries.map((e) => e.msg)).toEqual(['telegram: connecting (webhook)', 'telegram started (webhook)', 'telegram stopped']);
    expect(l.errors()).toEqual([]);
  });

  it('webhook: refuses to start without a secret', async () => {
    const { bot } = setup();
    await expect(startTelegram(bot, { webhookUrl: 'https://bot.example.org/hook', log: memoryLog().log })).rejects.toThrow(/secret/);
  });

  it('long polling: drops a webhook, fetches updates with the runner, answers, stops', async () => {
    const { bot, api, up } = setup();
    const l = memoryLog();
    api.updates.push(up.text(privateChat(alice), alice, '方太乡交多少钱'), up.mention(GROUP, bob, '桂阳街道交多少钱'));
    const h = await startTelegram(bot, { log: l.log });
    try {
      expect(h.mode).toBe('polling');
      for (let i = 0; i < 200 && api.sent().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(api.of('deleteWebhook')).toHaveLength(1);
      const fetches = api.of('getUpdates');
      expect(fetches[0]).toMatchObject({ allowed_updates: ['message', 'callback_query'] });
      expect(api.sent().map((m) => m.chat_id).sort()).toEqual([GROUP.id, alice.id].sort());
    } finally {
      await h.stop();
    }
    expect(l.entries.map((e) => e.msg)).toEqual(['telegram: connecting (long polling)', 'telegram started (long polling)', 'telegram stopped']);
  });
});

describe('transcripts through the Telegram channel', () => {
  let taps = 0;
  for (const { file, t } of loadTranscripts()) {
    for (const mode of ['typing', 'tapping'] as const) {
      it(`${file}: ${t.name} (${mode})`, async () => {
        const { bot, api, up, clock } = setup({ today: t.today, region: t.region });
        const direct = directCore({ today: t.today, region: t.region });
        const chat = privateChat(alice);
        const problems: string[] = [];
        let shown: Message.TextMessage | undefined;
        for (const [i, turn] of t.turns.entries()) {
          if (turn.after) {
            clock.advance(turn.after * 60_000);
            direct.clock.advance(turn.after * 60_000);
          }
          api.clear();
          const button = shown?.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === choiceData(alice.id, turn.user));
          if (mode === 'tapping' && button && shown) {
            taps++;
            await bot.handleUpdate(up.tap(chat, alice, shown, choiceData(alice.id, turn.user)));
          } else {
            const fwd = t.forwarded ? { forward_origin: { type: 'hidden_user' as const, sender_user_name: '村民', date: 1698700000 } } : {};
            await bot.handleUpdate(up.text(chat, alice, turn.user, fwd));
          }
          const sent = api.sent();
          const reply = texts(sent);
          problems.push(...checkTurn(i, turn, reply));
          expect(reply, `turn ${i + 1}`).toBe(await direct.ask(turn.user, { forwarded: t.forwarded ?? false }));
          if (sent.length) shown = api.results().filter((m) => m.reply_markup).at(-1);
        }
        expect(problems).toEqual([]);
      });
    }
  }
  it('the tapping runs did tap buttons', () => {
    expect(taps).toBeGreaterThan(3);
  });
});

describe('splitMessage', () => {
  it('keeps a 4096-character text whole and splits one character more at a line boundary', () => {
    const line = 'x'.repeat(99);
    const exact = Array.from({ length: 41 }, () => line).join('\n').slice(0, TELEGRAM_TEXT_LIMIT);
    const text = exact.padEnd(TELEGRAM_TEXT_LIMIT, 'y');
    expect(text.length).toBe(4096);
    expect(splitMessage(text, 4096)).toEqual([text]);
    const more = Array.from({ length: 41 }, (_, i) => `${String(i).padStart(2, '0')}${'z'.repeat(97)}`).join('\n');
    expect(more.length).toBe(41 * 99 + 40); // 4099: three characters over
    const parts = splitMessage(more, 4096);
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n')).toBe(more);
    expect(parts[1]).toBe(more.split('\n').at(-1));
  });

  it('cuts a single line longer than the limit', () => {
    const parts = splitMessage('医'.repeat(9000), 4096);
    expect(parts.map((p) => p.length)).toEqual([4096, 4096, 808]);
  });
});
