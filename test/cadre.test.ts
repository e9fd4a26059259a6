import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CadreTools } from '../src/cadre/tools.ts';
import { loadCadreFlow } from '../src/cadre/flow.ts';
import { deadlinesOf, runReminders } from '../src/cadre/reminders.ts';
import { Core } from '../src/core/bot.ts';
import { EmbeddedState } from '../src/state/embedded.ts';
import type { IncomingMessage } from '../src/core/types.ts';
import type { Clock } from '../src/engine/dates.ts';
import { addDays } from '../src/engine/dates.ts';
import { chat, flows, rules } from './support/core.ts';

const cadreFlow = loadCadreFlow();

/** a clock over a simulated collection period: moves day by day and hour by hour */
function movingClock(start: string) {
  let t = Date.parse(`${start}T08:00:00+08:00`);
  const clock: Clock & { set(day: string, hhmm: string): void } = {
    now: () => t,
    today: () => new Date(t + 8 * 3600_000).toISOString().slice(0, 10),
    set: (day, hhmm) => {
      t = Date.parse(`${day}T${hhmm}:00+08:00`);
    },
  };
  return clock;
}

async function setup(dir?: string, clock = movingClock('2023-11-01')) {
  const state = await EmbeddedState.open(dir ? { dir, now: clock.now } : { dir: '', memoryOnly: true, now: clock.now });
  const core = new Core({
    rules: () => rules,
    flows,
    chat,
    clock,
    store: state.sessions,
    chatRegion: async (chatId) => (await state.getSettings(chatId))?.region,
  });
  const tools = new CadreTools(core, { rules: () => rules, state, clock, flow: cadreFlow, adminIds: ['tg:1'], reminderDays: [30, 7, 3, 1], reminderTime: '09:00' });
  const say = async (text: string, over: Partial<IncomingMessage> = {}) =>
    (
      await tools.handle({ chatId: 'tg:-100', userId: 'tg:1', userName: '村干部', chatType: 'group', mentioned: true, forwarded: false, text, time: clock.now(), ...over })
    )
      .map((r) => r.text)
      .join('\n');
  return { state, core, tools, say, clock };
}

describe('cadre commands', () => {
  it('bind, show, unbind; a bound group is not asked for its region', async () => {
    const { say } = await setup();
    expect(await say('绑定')).toContain('用法：绑定');
    expect(await say('绑定 北京')).toContain('没找到');
    expect(await say('绑定 桂阳街道')).toContain('重庆市垫江县桂阳街道');
    expect(await say('当前设置')).toContain('地区：重庆市垫江县桂阳街道');
    const asked = await say('低保户交多少钱', { userId: 'tg:2' });
    expect(asked).not.toContain('哪个乡镇');
    expect(asked).toContain('一档');
    expect(await say('/unbind')).toContain('已解除');
    expect(await say('低保户交多少钱', { userId: 'tg:3' })).toContain('哪个乡镇');
  });

  it('is refused politely for non-admins, and nothing changes', async () => {
    const { say, state } = await setup();
    expect(await say('绑定 方太乡', { userId: 'tg:99' })).toContain('只有群主或管理员');
    expect(await state.getSettings('tg:-100')).toBeUndefined();
    // the platform says the sender is a group admin
    expect(await say('绑定 方太乡', { userId: 'tg:98', adminCheck: async () => true })).toContain('已绑定');
  });

  it("a resident's question that begins with a command's word is answered, not taken as the command", async () => {
    const { say, state } = await setup();
    for (const q of ['统计局的人说方太乡今年交三百八 是不是', '绑定银行卡自动扣医保费可以不 方太乡', '取消提醒 方太乡低保户交多少']) {
      for (const userId of ['tg:99', 'tg:1']) {
        const r = await say(q, { userId });
        expect(r, q).not.toContain('只有群主或管理员');
        expect(r, q).not.toContain('没找到');
      }
    }
    expect(await state.getSettings('tg:-100')).toBeUndefined();
    // the commands themselves still work, with what they take
    expect(await say('统计 7天')).toContain('最近7天');
    expect(await say('绑定 方太乡')).toContain('已绑定');
  });

  it('reminders need a region; on and off', async () => {
    const { say } = await setup();
    expect(await say('开启提醒')).toContain('请先绑定');
    await say('绑定 方太乡');
    expect(await say('开启提醒')).toContain('30、7、3、1');
    expect(await say('当前设置')).toContain('开启');
    expect(await say('关闭提醒')).toContain('已关闭');
    expect(await say('当前设置')).toContain('截止提醒：关闭');
  });

  it('task count with the formula, missing terms as 0, and bad input', async () => {
    const { say } = await setup();
    await say('绑定 方太乡');
    const t = await say('任务数 户籍人口1200 特困15 大学生40 职工医保300 现役3 服刑1');
    expect(t).toContain('户籍人口数1200');
    expect(t).toContain('− 全额资助参保对象15');
    expect(t).toContain(`= 任务数${1200 - 15 - 40 - 300 - 3 - 1}人`);
    expect(t).toContain('依据：方太乡2024年度参保缴费通知（征求意见稿） 三');
    // the way a cadre would ask it, the task word at the end
    const asked = await say('村里户籍人口200人，特困5人，大学生10人，当兵2人，单位参保20人，服刑1人，任务数多少');
    expect(asked).toContain(`= 任务数${200 - 5 - 10 - 2 - 20 - 1}人`);
    expect(await say('任务数 户籍人口100 大学生5')).toContain('没填的按0算');
    // two words of one term add up (孤儿 参照特困, both 全额资助); 1,200 is 1200
    expect(await say('任务数 户籍人口1200 孤儿2 特困15')).toContain(`= 任务数${1200 - 17}人`);
    expect(await say('任务数 户籍人口1,200 特困15')).toContain(`= 任务数${1200 - 15}人`);
    // numbers of people the formula does not subtract are said back, not silently dropped
    const extra = await say('户籍人口1200，特困15，低保30人，任务数多少');
    expect(extra).toContain(`= 任务数${1200 - 15}人`);
    expect(extra).toMatch(/没有减：低保30/);
    // 六类对象 and the others 二（二）4 fully subsidises are 全额资助参保对象 too
    const six = await say('任务数 户籍人口1200 特困15 残疾军人3 两类人员1 大学生40 职工医保300 现役3 服刑1');
    expect(six).toContain(`− 全额资助参保对象${15 + 3 + 1}`);
    expect(six).toContain(`= 任务数${1200 - 15 - 3 - 1 - 40 - 300 - 3 - 1}人`);
    expect(six).not.toContain('没有减');
    // the way cadres type it: 的 between, 个 after, Chinese numerals
    const said = await say('任务数 户籍人口1200人 特困15人 大学生40人 在单位上班交了五险的300人 当兵的3个 坐牢的1个');
    expect(said).toContain(`= 任务数${1200 - 15 - 40 - 300 - 3 - 1}人`);
    expect(said).not.toContain('没有减');
    expect(await say('任务数 户籍人口一千二 特困十五 大学生四十 六类对象3')).toContain(`= 任务数${1200 - 15 - 40 - 3}人`);
    expect(await say('任务数 特困15')).toContain('没看懂');
    expect(await say('任务数 户籍人口10 职工医保300')).toContain('负数');
    await say('绑定 桂阳街道');
    expect(await say('任务数 户籍人口1200')).toContain('没有写任务数怎么算');
  });

  it('asking for a resident: answered about that person, kept only for the choices the answer offers', async () => {
    const { say, state } = await setup();
    await say('绑定 方太乡');
    const r = await say('帮村民问：她是低保户，2023年11月5日交，交多少钱？');
    expect(r).toContain('60元');
    expect(r).toContain('回复1看缴费步骤');
    // the cadre's own dialogue holds nothing of the resident
    expect((await state.sessions.get('tg:-100|tg:1'))?.situation.identities).toBeUndefined();
    // 回复1看缴费步骤: the resident's dialogue answers it
    const menu = await say('1');
    expect(menu).toContain('税务窗口缴费');
    expect(menu).not.toContain('现在没有进行中的问题');
    const n = /(\d)\. 税务窗口缴费/.exec(menu)![1]!;
    expect(await say(n)).toContain('带身份证或社保卡');
    // anything else is the cadre's own again, and the resident's dialogue is gone
    const mine = await say('我自己交好多钱');
    expect(mine).toContain('属于哪一类');
    expect(mine).not.toContain('60元');
    expect(await state.sessions.get('tg:-100|tg:1|behalf')).toBeUndefined();
    expect(await say('帮村民问')).toContain('用法');
  });

  it('asking for a resident whose answer asks for the birthday: the date the cadre sends next is that child\'s', async () => {
    const { say, state } = await setup(undefined, movingClock('2024-03-10'));
    await say('绑定 桂阳街道');
    expect(await say('帮村民问：她刚生了娃儿 交多少')).toContain('告诉我宝宝的出生日期');
    // the birthday goes to the resident's dialogue (which asks on, now that it is a dialogue), not the cadre's own
    const next = await say('3月1号出生的');
    expect(next).toContain('哪一档');
    expect(next).not.toContain('哪一类');
    expect(await say('2')).toContain('最晚2024年5月29日');
    expect((await state.sessions.get('tg:-100|tg:1'))?.situation.bornOn).toBeUndefined();
  });

  it('asking for a resident over several messages: the answers go to that dialogue, and the cadre\'s own stays clean', async () => {
    const { say, state } = await setup();
    // no region bound: the resident's question needs the region, then who, then the tier and the day
    expect(await say('帮村民问：他想问医保交好多钱')).toContain('哪个乡镇');
    expect(await say('桂阳街道')).toContain('哪一类');
    expect(await say('3')).toContain('哪一档');
    expect(await say('1')).toContain('哪天缴费');
    expect(await say('今天')).toContain('特困供养人员·一档');
    // 回复2看参保登记怎么办, after a dialogue that asked the region first: still that person, in that township
    const reg = await say('2');
    expect(reg).toContain('【桂阳街道·2024年度】特困供养人员');
    expect(reg).not.toContain('现在没有进行中的问题');
    // asked about themselves now: nothing of the resident in it
    const mine = await say('我自己交好多钱');
    expect(mine).toContain('哪个乡镇');
    expect(mine).not.toContain('特困');
    expect(await state.sessions.get('tg:-100|tg:1|behalf')).toBeUndefined();
    expect((await state.sessions.get('tg:-100|tg:1'))?.situation.identities).toBeUndefined();
  });
});

describe('deadline reminders over a simulated collection period', () => {
  it('deadlines come from the rules, with what changes after', () => {
    const d = deadlinesOf(rules.byId.get('guiyang-dianjiang-2024')!);
    expect(d.map((x) => x.date)).toEqual(['2023-12-31', '2024-02-29', '2024-06-30', '2024-09-30']);
    expect(d[3]!.after).toContain('不能再缴');
    // 「9月30日前完清」 may not include 9月30日: the reminders of the last day carry the reading and the hedge
    expect(d[3]!.after).toContain('「前」也可能不含当天');
    expect(d[3]!.after).toContain('以经办机构核定为准');
  });

  it('posts on the right days at 09:00, once each, none after a restart, none for unbound groups', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remind-'));
    const clock = movingClock('2023-11-01');
    let s = await setup(dir, clock);
    await s.say('绑定 桂阳街道');
    await s.say('开启提醒');
    await s.say('绑定 方太乡', { chatId: 'tg:-200' }); // bound, reminders off
    await s.state.setSettings('tg:-300', { reminders: true }); // reminders on but no region
    const posted: { chatId: string; text: string; day: string }[] = [];
    const opts = () => ({
      rules: () => rules,
      state: s.state,
      clock,
      days: [30, 7, 3, 1],
      time: '09:00',
      texts: { reminder: cadreFlow.messages.reminder!, reminderToday: cadreFlow.messages.reminderToday! },
      send: async (chatId: string, text: string) => {
        posted.push({ chatId, text, day: clock.today() });
      },
    });
    for (let day = '2023-11-01'; day <= '2024-10-05'; day = addDays(day, 1)) {
      for (const hhmm of ['08:59', '09:00', '15:00']) {
        clock.set(day, hhmm);
        await runReminders(opts());
      }
      if (day === '2024-03-15') {
        // restart: a new process with the same data folder
        await s.state.close();
        s = await setup(dir, clock);
      }
    }
    const expected = ['2023-12-31', '2024-02-29', '2024-06-30', '2024-09-30'].flatMap((d) => [30, 7, 3, 1].map((n) => addDays(d, -n))).filter((d) => d >= '2023-11-01').sort();
    expect(posted.map((p) => p.day)).toEqual(expected);
    expect(new Set(posted.map((p) => p.chatId))).toEqual(new Set(['tg:-100']));
    const first = posted.find((p) => p.day === '2023-12-24')!;
    expect(first.text).toContain('集中参保期还有7天截止（2023年12月31日）');
    expect(first.text).toContain('次月1日');
    expect(first.text).toContain('依据：垫桂阳街道发〔2023〕70号');
    expect(posted.find((p) => p.day === '2024-06-29')!.text).toContain('财政补助');
  }, 60_000);
});
