import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { luhn, MASK, maskPii, validId18 } from '../src/guard/pii.ts';
import { Guard } from '../src/core/guard.ts';
import { normalize } from '../src/nlu/understand.ts';
import { EmbeddedState } from '../src/state/embedded.ts';
import type { IncomingMessage } from '../src/core/types.ts';
import { flows, testCore } from './support/core.ts';

/** a valid 18-digit resident ID from 17 digits */
export function makeId(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return body17 + '10X98765432'[sum % 11]!;
}
function makeCard(body: string): string {
  for (let d = 0; d < 10; d++) if (luhn(body + d)) return body + d;
  throw new Error('unreachable');
}

describe('personal numbers', () => {
  const id = makeId('36073219800101123');
  const card = makeCard('622202020000123456');
  it('recognises ID numbers by their check digit, mobiles and Luhn-valid bank cards', () => {
    expect(validId18(id)).toBe(true);
    expect(validId18(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'))).toBe(false);
    const m = maskPii(`我身份证${id}，电话138 1234 5678，卡号${card}，交多少`);
    expect(m.found.sort()).toEqual(['bank', 'id', 'mobile']);
    expect(m.text).not.toContain(id);
    expect(m.text).not.toContain('5678');
    expect(m.text).not.toContain(card);
    expect(m.text).toContain('交多少');
  });
  it('leaves ordinary numbers alone', () => {
    for (const t of ['2024年3月5日交380元', '0797-5322751', '一档380二档755', '1234567890123', '二〇二四年三月五日交的', '一二三四五六七八九十']) {
      expect(maskPii(t).found).toEqual([]);
    }
  });
  it('16 to 19 digits that fail the card check are masked as a (mistyped) card; numbers in Chinese digits are read', () => {
    // 6217 0001 2345 6788 901 with full-width digits mixed in, failing the Luhn check
    const m = maskPii('我卡号6217０００1234５６７８901 看下扣了没');
    expect(m.found).toEqual(['bank']);
    expect(m.text).not.toMatch(/1234|５６７８/);
    expect(maskPii('12345678901234567').found).toEqual(['bank']);
    const cn = maskPii('我的身份证是三六零七三二一九六五零三一二四零一X 帮我看下');
    expect(cn.found).toEqual(['id']);
    expect(cn.text).not.toContain('三六零七');
    expect(maskPii('电话幺三八一二三四五六七八，交多少').found).toEqual(['mobile']);
  });
  it('a mistyped ID (wrong check digit) is still masked as an ID; 18 digits without an ID\'s shape are masked as a card', () => {
    const typo = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(validId18(typo)).toBe(false);
    const m = maskPii(`我身份证号是${typo}，方太乡低保户交多少`);
    expect(m.found).toEqual(['id']);
    expect(m.text).not.toContain(typo.slice(6, 14));
    expect(maskPii('36073219650312123X').found).toEqual(['id']);
    // a digit too few or too many: still someone's ID
    for (const t of ['36073219650312123', '3607321965031212']) expect(maskPii(`身份证${t}交多少`).found, t).toEqual(['id']);
    expect(maskPii('身份证3607321965031212345交多少').text).not.toContain('19650312');
    // not an ID's shape (no birth date in it): masked as a card number all the same
    expect(maskPii('123456789012345678').found).toEqual(['bank']);
  });
  it('an ID ending in X, and an old 15-digit one', () => {
    const x = makeId('11010519491231002');
    expect(maskPii(`号码 ${x.toLowerCase()} 查一下`).found).toEqual(['id']);
    expect(maskPii('360732800101123').found).toEqual(['id']);
  });
  it('a mobile with the country code before it (+86, 0086, 86) is masked, the plus with it', () => {
    for (const [t, masked] of [
      ['有事打我电话 +86 139 0000 1111', `有事打我电话 ${MASK}`],
      ['电话+8613900001111', `电话${MASK}`],
      ['0086-13900001111', MASK],
      ['8613900001111交多少', `${MASK}交多少`],
      ['+86 139-0000-1111', MASK],
    ] as const) {
      const m = maskPii(t);
      expect(m.found, t).toEqual(['mobile']);
      expect(m.text, t).toBe(masked);
    }
  });
  it('groups written apart with . — _ / ， between them are one number', () => {
    for (const sep of ['.', '—', '——', '_', '/', '，', ' - ', '．']) {
      const t = `我手机138${sep}0013${sep}8000，交多少`;
      const m = maskPii(t);
      expect(m.found, t).toEqual(['mobile']);
      expect(m.text, t).toBe(`我手机${MASK},交多少`);
    }
    for (const t of ['身份证500231.19900101.1234', '身份证500231/19900101/1234', '身份证500231 1990 0101 123X', '身份证500231-19900101-123x']) {
      const m = maskPii(t);
      expect(m.found, t).toEqual(['id']);
      expect(m.text, t).toBe(`身份证${MASK}`);
    }
    const card = makeCard('622202020000123456');
    expect(maskPii(`卡号${card.replace(/(\d{4})(?=\d)/g, '$1 ')}`).text).toBe(`卡号${MASK}`);
    // a mistyped card printed in fours (fails the check digit)
    expect(maskPii('卡号6222.0200.1234.5678.901').found).toEqual(['bank']);
  });
  it('a number in Chinese digits written in groups, and one with a tier word glued after it', () => {
    const m = maskPii('我电话幺三八 零零幺三 八零零零');
    expect(m.found).toEqual(['mobile']);
    expect(m.text).toBe(`我电话${MASK}`);
    const tier = maskPii('电话幺三八零零幺三八零零零二档多少');
    expect(tier.found).toEqual(['mobile']);
    expect(tier.text).toBe(`电话${MASK}二档多少`);
  });
  it('dates, amounts, times, counts and clause numbers are not joined into a number, nor taken with one', () => {
    for (const t of [
      '2024.3.5交的',
      '2023/12/31前交',
      '2024-01-15交了',
      '2024.3.5 2023/12/31 2024-01-15 交了380元',
      '交了1,200，还是380',
      '10:30 去村委会交',
      '2020 2021 2022 2023 都交了',
      '2023.10.11—2023.12.31',
      '20231011-20231231',
      '380，755，1200，640，2024',
      '交了380 755 1200 640元',
      '二（一）第3条 一家5口人',
      '0797-5322751',
      '192.168.100.200',
    ]) {
      expect(maskPii(t).found, t).toEqual([]);
    }
    // the number is masked, what is beside it stays
    for (const [t, masked] of [
      ['电话13800138000 12月15号交的', `电话${MASK} 12月15号交的`],
      ['2024.01.15 13800138000', `2024.01.15 ${MASK}`],
      ['13800138000 380元', `${MASK} 380元`],
      ['电话0797-5322751 13800138000', `电话0797-5322751 ${MASK}`],
      ['交了86，13800138000', `交了86,${MASK}`],
      ['宝宝50023120240115123X 11月出生的', `宝宝${MASK} 11月出生的`],
      ['13800138000/13900001111', `${MASK}/${MASK}`],
    ] as const) {
      expect(maskPii(t).text, t).toBe(masked);
    }
  });
  it('the whole number is masked (an X written apart too), and the mask reads as nothing', () => {
    expect(maskPii('身份证500231 19900101 123X 交了没有').text).toBe(`身份证${MASK} 交了没有`);
    expect(maskPii('身份证500231 19900101 123 X 交了没有').text).toBe(`身份证${MASK} 交了没有`);
    for (const [t, without] of [
      ['身份证500231 19900101 123X 交了没有', '身份证 交了没有'],
      ['我老汉身份证号500231196001011234 他是低保 屋头还有我妈 交好多', '我老汉身份证号 他是低保 屋头还有我妈 交好多'],
      ['宝宝身份证50023120240115123X 刚出生 最晚哪天交', '宝宝身份证 刚出生 最晚哪天交'],
      ['我是方太乡的，电话13800138000低保户交多少', '我是方太乡的，电话低保户交多少'],
    ] as const) {
      expect(normalize(maskPii(t).text), t).toBe(normalize(without));
    }
  });
  it('letters glued to a number do not hide it', () => {
    const x = makeId('11010519491231002');
    expect(x.endsWith('X')).toBe(true);
    for (const t of [`sfz${id}`, `ID:${id}查`, `Z${id}abc`, `tel13812345678`, `${id}${id}`, `${id}13812345678`, `${x}123`, `9${x}0`, `${id}7`]) {
      const m = maskPii(t);
      expect(m.found.length, t).toBe(1);
      expect(m.text, t).not.toMatch(/\d{11}/);
      expect(m.text, t).not.toContain('1231002');
    }
  });
});

function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

async function guarded(opts: { flood?: number; maxChars?: number; today?: string; region?: string } = {}) {
  const { core, clock, store } = testCore({ today: opts.today, region: opts.region });
  const state = await EmbeddedState.open({ dir: '', memoryOnly: true });
  const sink = logSink();
  const guard = new Guard(core, { state, messages: flows.messages, maxChars: opts.maxChars ?? 500, floodPerMinute: opts.flood ?? 6, log: sink.log });
  let n = 0;
  const msg = (text: string, over: Partial<IncomingMessage> = {}): IncomingMessage => ({
    chatId: 'tg:-1',
    userId: 'tg:9',
    userName: '老王',
    chatType: 'group',
    mentioned: true,
    forwarded: false,
    text,
    time: clock.now(),
    messageId: String(++n),
    ...over,
  });
  return { guard, state, store, sink, msg, clock };
}

describe('guards', () => {
  it('a message delivered twice is answered once', async () => {
    const { guard, msg } = await guarded();
    const m = msg('方太乡低保户交多少钱');
    expect((await guard.handle(m)).length).toBe(1);
    expect(await guard.handle(m)).toEqual([]);
  });

  it('an ID number in a group: told to recall it, never echoed, logged or stored', async () => {
    const { guard, msg, sink, store } = await guarded();
    const id = makeId('36073219800101123');
    const replies = await guard.handle(msg(`我身份证号${id}，方太乡低保交多少钱`, { forwarded: true }));
    const all = replies.map((r) => r.text).join('\n');
    expect(all).toContain('撤回');
    expect(all).toContain('60元');
    expect(all).not.toContain(id);
    expect(sink.lines.join('')).not.toContain(id);
    const session = await store.get('tg:-1|tg:9');
    expect(session?.situation.identities).toEqual(['dibao']);
    expect(JSON.stringify(session)).not.toContain(id);
  });

  it('a masked number leaves the rest of the message understood as it would be without the number', async () => {
    const { guard, msg } = await guarded({ today: '2023-10-15', region: '桂阳街道' });
    let user = 0;
    const ask = async (text: string) => (await guard.handle(msg(text, { userId: `tg:${++user}` }))).map((r) => r.text);
    for (const [t, without] of [
      // the number glued to the birth month after it took the month away (宝宝[已隐藏]月出生的)
      ['宝宝50023120240115123X 11月出生的，最晚哪天交', '宝宝 11月出生的，最晚哪天交'],
      // the placeholder's words and length hid 风险已经消除了 (the category ended): 60元 instead of 380元
      ['方太乡边缘易致贫户50023120240115123X，风险已经消除了，交多少', '方太乡边缘易致贫户，风险已经消除了，交多少'],
      ['身份证500231 19900101 123X 交了没有', '身份证 交了没有'],
      ['宝宝身份证50023120240115123X，最晚哪天交', '宝宝身份证，最晚哪天交'],
      ['我老汉身份证号500231196001011234 他是低保 屋头还有我妈 交好多', '我老汉身份证号 他是低保 屋头还有我妈 交好多'],
    ] as const) {
      const [warning, ...replies] = await ask(t);
      expect(warning, t).toBe(flows.messages.personalData);
      expect(replies, t).toEqual(await ask(without));
    }
  });

  it('a member who floods a group is slowed with one notice', async () => {
    const { guard, msg } = await guarded({ flood: 3 });
    const counts: number[] = [];
    const texts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await guard.handle(msg(`方太乡交多少钱${i}`));
      counts.push(r.length);
      texts.push(r.map((x) => x.text).join(''));
    }
    expect(counts).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(texts[3]).toContain('稍等');
  });

  it('a private chat is never flood-limited', async () => {
    const { guard, msg } = await guarded({ flood: 2 });
    for (let i = 0; i < 5; i++) expect((await guard.handle(msg('方太乡交多少钱', { chatType: 'private' }))).length).toBe(1);
  });

  it('an over-long message is cut before understanding and not echoed', async () => {
    const { guard, msg } = await guarded({ maxChars: 50 });
    const long = `方太乡低保户交多少钱${'啊'.repeat(5000)}于都县`;
    const r = await guard.handle(msg(long));
    const text = r.map((x) => x.text).join('\n');
    expect(text).toContain('哪天缴费');
    expect(text).not.toContain('于都县');
    expect(text.length).toBeLessThan(1000);
  });

  it('one log line per handled message, with timing and without the text', async () => {
    const { guard, msg, sink } = await guarded();
    await guard.handle(msg('方太乡低保户交多少钱'));
    expect(sink.lines).toHaveLength(1);
    const line = JSON.parse(sink.lines[0]!);
    expect(line).toMatchObject({ msg: 'message', chat: 'group', replies: 1, topics: ['fee'], outcome: 'asking' });
    expect(typeof line.ms).toBe('number');
    expect(sink.lines[0]).not.toContain('低保');
  });
});

describe('fuzzing the guarded core with hostile messages', () => {
  it('no crash, replies within size, no ID number anywhere', async () => {
    const { guard, msg, sink, store } = await guarded({ flood: 1000 });
    const words = ['方太', '桂阳', '低保', '不是', '特困', '大学生', '新生儿', '2024.1.15', '过了12月31日', '一档', '上一步', '重新开始', '1', '2', '【转】', '😀', '\u0000', '\u202e', '\ud800', 'Ａ', '　', '交多少', '怎么交'];
    const ids = fc.stringMatching(/^[1-6]\d{16}$/).map(makeId);
    const piece = fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), ids);
    const message = fc.oneof(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 20000 }));
    const seenIds: string[] = [];
    await fc.assert(
      fc.asyncProperty(message, fc.boolean(), async (text, group) => {
        const found = text.match(/\d{17}[\dX]/g) ?? [];
        seenIds.push(...found.filter(validId18));
        const replies = await guard.handle(msg(text, { chatType: group ? 'group' : 'private', userId: `tg:${text.length % 7}` }));
        for (const r of replies) {
          expect(r.text.length).toBeLessThanOrEqual(4000);
          for (const id of found) expect(r.text).not.toContain(id);
        }
      }),
      { numRuns: 1500 },
    );
    const logs = sink.lines.join('');
    const stored = JSON.stringify(await Promise.all(Array.from({ length: 7 }, (_, i) => store.get(`tg:-1|tg:${i}`))));
    for (const id of seenIds) {
      expect(logs).not.toContain(id);
      expect(stored).not.toContain(id);
    }
  }, 120_000);
});
