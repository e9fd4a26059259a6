/**
 * The WeChat channel on a real Wechaty with wechaty-puppet-mock: what residents say goes in through the puppet,
 * what the bot sends is read back from the mock (the messages that appear from the bot's account).
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { types } from 'wechaty';
import { ChatQueue } from '../src/channels/queue.ts';
import { readText, stripMention, WECHAT_SEND_INTERVAL_MS, WECHAT_SEND_JITTER_MS, WECHAT_TEXT_LIMIT } from '../src/channels/wechaty.ts';
import type { IncomingMessage, MessageHandler } from '../src/core/types.ts';
import { flows, testCore } from './support/core.ts';
import { checkTurn, loadTranscripts, SOURCE_LINE } from './support/transcripts.ts';
import { mockWorld, quoteText, type MockWorld } from './support/wechaty-mock.ts';

/** sends as fast as possible: the pacing itself is tested with a fake clock */
const fastQueue = () => new ChatQueue({ minIntervalMs: 0, sleep: async () => {} });

/** the real core, remembering what the channel gave it */
function recordingCore(opts: Parameters<typeof testCore>[0] = {}) {
  const t = testCore(opts);
  const seen: IncomingMessage[] = [];
  const handler: MessageHandler = {
    handle: (m) => {
      seen.push(m);
      return t.core.handle(m);
    },
  };
  return { ...t, seen, handler };
}

const worlds: MockWorld[] = [];
async function world(...args: Parameters<typeof mockWorld>) {
  const w = await mockWorld(...args);
  worlds.push(w);
  return w;
}
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.stop();
});

describe('WeChat room', () => {
  it('answers an @-mention, @-mentions the asker, and gives the core the text without the mention', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue(), now: c.clock.now });
    const alice = w.member('Alice');
    const { replies } = await w.say(alice, w.atBot('方太乡交多少钱'), 'room', [w.botContact]);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.to).toBe(w.room.id);
    expect(replies[0]!.text.startsWith('@Alice ')).toBe(true);
    expect(replies[0]!.mentionIds).toEqual([alice.id]);
    expect(replies[0]!.text).toContain('哪一类');
    const m = c.seen.at(-1)!;
    expect(m).toMatchObject({
      chatId: `wx:${w.room.id}`,
      userId: `wx:${alice.id}`,
      userName: 'Alice',
      chatType: 'group',
      mentioned: true,
      forwarded: false,
      text: '方太乡交多少钱',
      time: c.clock.now(),
    });
    expect(m.messageId).toBeTruthy();
  });

  it('strips the mention wherever it is written', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const { replies } = await w.say(w.member('Bob'), `方太乡交多少钱 @${w.botContact.payload.name}`, 'room', [w.botContact]);
    expect(c.seen.at(-1)).toMatchObject({ mentioned: true, text: '方太乡交多少钱' });
    expect(replies[0]!.text).toContain('哪一类');
  });

  it('ignores plain chatter, answers the trigger word 「医保」', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const bob = w.member('Bob');
    expect((await w.say(bob, '今天赶集的人真多')).replies).toEqual([]);
    expect((await w.say(bob, '方太乡交多少钱')).replies).toEqual([]); // not addressed to the bot
    expect(c.seen.at(-1)).toMatchObject({ mentioned: false, text: '方太乡交多少钱' }); // the core decided, not the channel
    const { replies } = await w.say(bob, '医保 方太乡交多少钱');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text.startsWith('@Bob ')).toBe(true);
    expect(replies[0]!.text).toContain('哪一类');
    expect(w.sent).toHaveLength(1);
  });

  it('never answers its own messages or other bots: no reply loop', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    // the bot's own account says something that would otherwise be answered
    const own = await w.say(w.botContact, '医保 方太乡交多少钱');
    expect(own.event.ignored).toBe('self');
    expect(own.replies.map((r) => r.text)).toEqual(['医保 方太乡交多少钱']); // only its own line, no answer
    // an official account / another bot in the room @-mentions the bot with the trigger word
    const other = w.mocker.createContact({ name: '缴费提醒', type: types.Contact.Official });
    w.room.payload.memberIdList.push(other.id);
    const fromBot = await w.say(other, w.atBot('医保 方太乡交多少钱'), 'room', [w.botContact]);
    expect(fromBot.event.ignored).toBe('not-individual');
    expect(fromBot.replies).toEqual([]);
    // a real exchange: the bot's reply comes back through the puppet as a message, and is not answered
    const asked = await w.say(w.member('Alice'), w.atBot('方太乡交多少钱'), 'room', [w.botContact]);
    expect(asked.replies).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    const echoes = w.handledEvents.filter((e) => e.message.talker().id === w.botContact.id);
    expect(echoes.length).toBeGreaterThanOrEqual(2); // its own earlier message and its reply
    expect(echoes.every((e) => e.ignored === 'self')).toBe(true);
    expect(w.sent).toHaveLength(2); // the bot's own test line + the one reply, nothing more
    expect(c.seen.every((m) => m.userId === `wx:${w.member('Alice').id}`)).toBe(true);
  });

  it('a quote of the bot is a reply to it; a quoted question of someone else is answered in one go', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const [alice, bob, carol] = [w.member('Alice'), w.member('Bob'), w.member('Carol')];
    const first = await w.say(alice, w.atBot('方太乡交多少钱'), 'room', [w.botContact]);
    // Bob quotes the bot's question and answers it, without @ or trigger word
    const quoted = await w.say(bob, quoteText(w.botContact.payload.name, first.replies[0]!.text, '方太乡交多少钱'));
    expect(c.seen.at(-1)).toMatchObject({ mentioned: true, forwarded: false, text: '方太乡交多少钱' });
    expect(quoted.replies[0]!.text.startsWith('@Bob ')).toBe(true);
    expect(quoted.replies[0]!.text).toContain('哪一类');
    // Carol quotes Bob's question to the bot: one answer, no follow-up questions
    const q = await w.say(carol, quoteText('Bob', '方太乡低保户交多少钱', w.atBot('帮看下')), 'room', [w.botContact]);
    expect(c.seen.at(-1)).toMatchObject({ mentioned: true, forwarded: true });
    expect(q.replies).toHaveLength(1);
    expect(q.replies[0]!.text.startsWith('@Carol ')).toBe(true);
    expect(q.replies[0]!.text).toContain('60元');
    expect(q.replies[0]!.text).toMatch(SOURCE_LINE);
    expect(q.replies[0]!.text).not.toContain('哪天缴费');
  });

  it('two members in parallel dialogues keep separate dialogues, each reply @-mentions the right one', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const [alice, bob] = [w.member('Alice'), w.member('Bob')];
    const a1 = await w.say(alice, w.atBot('方太乡交多少钱'), 'room', [w.botContact]);
    const b1 = await w.say(bob, w.atBot('桂阳街道，交多少'), 'room', [w.botContact]);
    const a2 = await w.say(alice, '2'); // mid-dialogue: no @ needed
    const b2 = await w.say(bob, '1');
    for (const [r, who, expectText] of [
      [a1, alice, '哪一类'],
      [b1, bob, '哪一类'],
      [a2, alice, '哪天缴费'],
      [b2, bob, '哪一档'],
    ] as const) {
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0]!.mentionIds).toEqual([who.id]);
      expect(r.replies[0]!.text.startsWith(`@${who.payload.name} `)).toBe(true);
      expect(r.replies[0]!.text).toContain(expectText);
    }
    // Bob's 桂阳 tiers never leak into Alice's 方太乡 dialogue
    expect(a2.replies[0]!.text).not.toContain('哪一档');
    expect(b2.replies[0]!.text).toContain('二档（个人缴费755元）');
  });

  it('a picture gets one hint (to a member in a dialogue), a second picture no second hint', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue(), now: c.clock.now });
    const alice = w.member('Alice');
    // a picture from someone not talking to the bot is chatter
    expect((await w.deliver(w.member('Bob'), { type: types.Message.Image })).replies).toEqual([]);
    await w.say(alice, w.atBot('方太乡交多少钱'), 'room', [w.botContact]);
    const p1 = await w.deliver(alice, { type: types.Message.Image });
    expect(c.seen.at(-1)).toMatchObject({ nonText: true, text: '', chatType: 'group' });
    expect(p1.replies).toHaveLength(1);
    expect(p1.replies[0]!.text).toBe(`@Alice ${flows.messages.nonText}`);
    c.clock.advance(60_000);
    const p2 = await w.deliver(alice, { type: types.Message.Image });
    expect(p2.event.incoming?.nonText).toBe(true);
    expect(p2.replies).toEqual([]);
  });

  it('voice, stickers, files, chat histories, mini programs and links reach the core as non-text', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const alice = w.member('Alice');
    const kinds = [
      types.Message.Audio,
      types.Message.Video,
      types.Message.Emoticon,
      types.Message.Attachment,
      types.Message.ChatHistory,
      types.Message.MiniProgram,
      types.Message.Url,
    ];
    for (const type of kinds) {
      const { event } = await w.deliver(alice, { type }, 'private');
      expect(event.incoming).toMatchObject({ nonText: true, text: '', chatType: 'private' });
    }
    // in a private chat: one hint for the lot
    const hints = w.sent.filter((s) => s.text === flows.messages.nonText);
    expect(hints).toHaveLength(1);
    expect(w.sent).toHaveLength(1);
  });

  it('system, recalled and unknown messages, joins, leaves and topic changes never reach the core', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const alice = w.member('Alice');
    for (const type of [types.Message.Unknown, types.Message.Recalled, types.Message.GroupNote, types.Message.Transfer, types.Message.RedEnvelope]) {
      const { event, replies } = await w.deliver(alice, { type, text: '医保 方太乡交多少钱' });
      expect(event.ignored).toBe('type');
      expect(replies).toEqual([]);
    }
    const dave = w.mocker.createContact({ name: 'Dave' });
    w.room.add(dave).by(alice);
    w.room.topic('医保交流群').by(alice);
    w.room.remove(dave).by(alice);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.seen).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('isAdmin: the room owner, its administrators and ADMIN_IDS (with or without wx:), nobody else', async () => {
    const c = recordingCore();
    const members = ['Owner', 'Cadre', 'Clerk', 'Manager', 'Resident'];
    const w = await world({ core: c.handler, queue: fastQueue(), members, adminIds: ['wx:wxid_Cadre', 'wxid_Clerk'], roomAdmins: ['Manager'] });
    const isAdmin = async (name: string, where: 'room' | 'private') =>
      (await w.say(w.member(name), w.atBot('方太乡交多少钱'), where, where === 'room' ? [w.botContact] : [])).event.incoming!.isAdmin;
    expect(await isAdmin('Owner', 'room')).toBe(true);
    expect(await isAdmin('Cadre', 'room')).toBe(true);
    expect(await isAdmin('Clerk', 'room')).toBe(true);
    expect(await isAdmin('Manager', 'room')).toBe(true);
    expect(await isAdmin('Resident', 'room')).toBe(false);
    expect(await isAdmin('Cadre', 'private')).toBe(true);
    expect(await isAdmin('Manager', 'private')).toBe(false); // an administrator of the room, not in a private chat
    expect(await isAdmin('Owner', 'private')).toBe(false); // owner of the room, not an admin in a private chat
    expect(await isAdmin('Resident', 'private')).toBe(false);
  });
});

describe('WeChat private chat', () => {
  it('answers everything, without @, to the sender', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const alice = w.member('Alice');
    const { replies } = await w.say(alice, '方太乡交多少钱', 'private');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ to: alice.id, room: false, mentionIds: [] });
    expect(replies[0]!.text.startsWith('@')).toBe(false);
    expect(replies[0]!.text).toContain('哪一类');
    expect(c.seen.at(-1)).toMatchObject({ chatId: `wx:${alice.id}`, userId: `wx:${alice.id}`, chatType: 'private', mentioned: false });
  });

  it('answers a forwarded question in one go', async () => {
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue() });
    const plain = await w.say(w.member('Alice'), '方太乡低保户交多少钱', 'private');
    expect(plain.replies[0]!.text).toContain('哪天缴费'); // as a normal question it asks
    for (const [who, text] of [
      ['Bob', '【转】方太乡低保户交多少钱'],
      ['Carol', '群友问：方太乡低保户交多少钱'],
    ] as const) {
      const { replies } = await w.say(w.member(who), text, 'private');
      expect(c.seen.at(-1)).toMatchObject({ forwarded: true, text: '方太乡低保户交多少钱' });
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('60元');
      expect(replies[0]!.text).toMatch(SOURCE_LINE);
      expect(replies[0]!.text).not.toContain('哪天缴费');
    }
  });
});

describe('WeChat pacing and size', () => {
  it('a burst of 50 questions in one room is answered in order, nothing dropped', async () => {
    const c = recordingCore();
    const names = Array.from({ length: 50 }, (_, i) => `居民${String(i + 1).padStart(2, '0')}`);
    const w = await world({ core: c.handler, queue: fastQueue(), members: names });
    const ids: string[] = [];
    for (const n of names) {
      w.member(n).say('医保 方太乡交多少钱').to(w.room);
      ids.push(w.lastMessageId());
    }
    await Promise.all(ids.map((id) => w.settle(id, 15_000)));
    const replies = w.sent.filter((s) => s.to === w.room.id);
    expect(replies).toHaveLength(50);
    expect(replies.map((r) => r.text.slice(0, r.text.indexOf(' ')))).toEqual(names.map((n) => `@${n}`));
    expect(replies.map((r) => r.mentionIds[0])).toEqual(names.map((n) => w.member(n).id));
    expect(replies.every((r) => r.text.includes('哪一类'))).toBe(true);
  });

  it('sends one message per chat at least a second apart, and splits long answers at line ends', async () => {
    let fake = 0;
    const queue = new ChatQueue({
      minIntervalMs: WECHAT_SEND_INTERVAL_MS,
      jitterMs: WECHAT_SEND_JITTER_MS,
      now: () => fake,
      sleep: async (ms) => {
        fake += ms;
      },
    });
    const long = Array.from({ length: 30 }, (_, i) => `第${i + 1}行：城乡居民基本医疗保险缴费说明`).join('\n');
    const core: MessageHandler = {
      handle: async (m) => [{ text: long, replyTo: m.chatType === 'group' ? { userId: m.userId, name: m.userName } : undefined }],
    };
    const limit = 120;
    const w = await world({ core, queue, textLimit: limit, clock: () => fake });
    const { replies } = await w.say(w.member('Alice'), w.atBot('说明'), 'room', [w.botContact]);
    expect(replies.length).toBeGreaterThan(3);
    for (const r of replies) expect(r.text.length).toBeLessThanOrEqual(limit);
    for (let i = 1; i < replies.length; i++) expect(replies[i]!.at - replies[i - 1]!.at).toBeGreaterThanOrEqual(WECHAT_SEND_INTERVAL_MS);
    // the asker is @-mentioned once, and the pieces put together are the whole answer, line for line
    expect(replies[0]!.mentionIds).toEqual([w.member('Alice').id]);
    expect(replies.slice(1).every((r) => r.mentionIds.length === 0)).toBe(true);
    const joined = [replies[0]!.text.replace(/^@Alice /, ''), ...replies.slice(1).map((r) => r.text)].join('\n');
    expect(joined).toBe(long);
  });

  it('the default text limit keeps a message and its @-mention under 2048 bytes of Chinese', () => {
    expect(WECHAT_TEXT_LIMIT * 3).toBeLessThan(2048);
  });
});

describe('ChatQueue pacing (WeChat)', () => {
  it('spaces the messages of one chat by ~1 s + jitter; other chats do not wait', async () => {
    let now = 10_000;
    const slept: number[] = [];
    let r = 0;
    const randoms = [0, 0.5, 0.999, 0.2];
    const q = new ChatQueue({
      minIntervalMs: 1000,
      jitterMs: 500,
      now: () => now,
      random: () => randoms[r++ % randoms.length]!,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    const at: Record<string, number[]> = { a: [], b: [] };
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) pushes.push(q.push('a', async () => void at.a!.push(now)));
    pushes.push(q.push('b', async () => void at.b!.push(now)));
    await Promise.all(pushes);
    const gaps = at.a!.slice(1).map((t, i) => t - at.a![i]!);
    expect(at.a![0]).toBe(10_000); // the first one leaves at once
    expect(gaps).toHaveLength(4);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(1000);
      expect(g).toBeLessThan(1500);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1); // jitter, not a fixed beat
    expect(at.b![0]).toBeLessThan(at.a![1]!); // chat b did not queue behind chat a
  });

  it('a message after a quiet spell is not delayed', async () => {
    let now = 0;
    const q = new ChatQueue({ minIntervalMs: 1000, now: () => now, sleep: async (ms) => void (now += ms) });
    const at: number[] = [];
    await q.push('a', async () => void at.push(now));
    now += 5000;
    await q.push('a', async () => void at.push(now));
    expect(at).toEqual([0, 5000]);
  });
});

describe('WeChat login and logs', () => {
  it('prints the QR code in the terminal, logs its URL, login, logout, re-login and resets', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) }));
    let qr = '';
    const c = recordingCore();
    const w = await world({ core: c.handler, queue: fastQueue(), log, qrOutput: { write: (s: string) => (qr += s) } });
    w.mocker.scan('https://login.weixin.qq.com/l/mock', types.ScanStatus.Waiting);
    await w.puppet.logout('test');
    w.mocker.login(w.botContact);
    w.puppet.emit('reset', { data: 'network lost' });
    await new Promise((r) => setTimeout(r, 50));
    expect(qr).toContain('█'); // drawn with block characters
    expect(qr).toContain('https://wechaty.js.org/qrcode/');
    const msgs = lines.map((l) => l.msg);
    expect(lines.find((l) => l.msg === 'wechat login: scan the QR code')?.url).toMatch(/^https:\/\/wechaty\.js\.org\/qrcode\//);
    expect(msgs).toContain('wechat logged in');
    expect(msgs).toContain('wechat logged out');
    expect(msgs).toContain('wechat logged in again (reconnected)');
    expect(msgs).toContain('wechat puppet reset: reconnecting');
  });
});

describe('reading WeChat text', () => {
  it('quotes and forward markers', () => {
    expect(readText(quoteText('医保助手', '哪一类？', '2'), ['医保助手'])).toEqual({ text: '2', quotedBot: true, forwarded: false });
    expect(readText(quoteText('张三', '低保户交多少', '同问'), ['医保助手'])).toEqual({ text: '低保户交多少\n同问', quotedBot: false, forwarded: true });
    expect(readText('转发：方太乡交多少', [])).toMatchObject({ text: '方太乡交多少', forwarded: true });
    expect(readText('方太乡交多少，转发给你', [])).toMatchObject({ forwarded: false });
    expect(stripMention('@医保助手\u2005方太乡 @医保助手', ['医保助手'])).toBe('方太乡');
    expect(stripMention('@医保助手们 好', ['医保助手'])).toBe('@医保助手们 好');
  });
});

describe('transcripts through the WeChat channel (private chat)', () => {
  // one WeChat login for all transcripts; each transcript gets its own core, clock and resident
  let current = testCore();
  let w: MockWorld;
  beforeAll(async () => {
    w = await mockWorld({ core: { handle: (m) => current.core.handle(m) }, queue: fastQueue(), now: () => current.clock.now() });
  });
  afterAll(async () => {
    await w?.stop();
  });
  for (const { file, t } of loadTranscripts()) {
    it(`${file}: ${t.name}`, async () => {
      current = testCore({ today: t.today, region: t.region });
      const resident = w.mocker.createContact({ name: `居民-${t.name}` });
      const problems: string[] = [];
      for (const [i, turn] of t.turns.entries()) {
        if (turn.after) current.clock.advance(turn.after * 60_000);
        // WeChat text carries no forward flag: a forwarded transcript is sent the way people mark one
        const text = t.forwarded ? `【转】${turn.user}` : turn.user;
        const { replies } = await w.say(resident, text, 'private');
        expect(replies.every((r) => r.to === resident.id && !r.room)).toBe(true);
        const reply = replies.map((r) => r.text).join('\n');
        problems.push(...checkTurn(i, turn, reply));
        if (/\d+元/.test(reply)) expect(reply).toMatch(SOURCE_LINE);
      }
      expect(problems).toEqual([]);
    });
  }
});
