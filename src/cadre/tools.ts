/**
 * Commands for village cadres, in front of the resident core: bind a group to its region, reminders,
 * statistics, the village task count (方太乡 三), asking on a resident's behalf.
 * Only group owners/admins, ADMIN_IDS and the console user may use them; everyone else is told politely.
 */
import { fill } from '../core/template.ts';
import type { CadreFlow } from './flow.ts';
import { Sources } from '../engine/format.ts';
import type { Clock } from '../engine/dates.ts';
import type { RuleSet } from '../rules/load.ts';
import { findRegion } from '../rules/lookup.ts';
import type { Notice } from '../rules/schema.ts';
import type { StateStore } from '../state/types.ts';
import type { IncomingMessage, MessageHandler, Reply } from '../core/types.ts';
import { sameTurn, turnInfoOf } from '../core/turn-info.ts';

export const COMMANDS = ['bind', 'unbind', 'settings', 'remindOn', 'remindOff', 'stats', 'task', 'askFor', 'help'] as const;
export type Command = (typeof COMMANDS)[number];
export type { CadreFlow };

export interface CadreOptions {
  rules: () => RuleSet;
  state: StateStore;
  clock: Clock;
  flow: CadreFlow;
  adminIds: string[];
  reminderDays: number[];
  reminderTime: string;
}

interface Parsed {
  cmd: Command;
  arg: string;
}

export class CadreTools implements MessageHandler {
  private readonly table: { word: string; cmd: Command }[];

  constructor(
    private readonly inner: MessageHandler,
    private readonly o: CadreOptions,
  ) {
    this.table = COMMANDS.flatMap((cmd) => [...o.flow.commands[cmd]!.words, ...o.flow.commands[cmd]!.slash].map((word) => ({ word, cmd })));
    this.table.sort((a, b) => b.word.length - a.word.length);
  }

  private parse(text: string): Parsed | null {
    const t = text.normalize('NFKC').trim();
    for (const { word, cmd } of this.table) {
      if (!t.startsWith(word)) continue;
      let rest = t.slice(word.length);
      if (word.startsWith('/')) rest = rest.replace(/^@\w+/, ''); // /bind@our_bot
      else if (rest && !/^[\s:：,，]/.test(rest) && cmd !== 'task' && cmd !== 'stats' && cmd !== 'bind') return null;
      const arg = rest.replace(/^[\s:：,，]+/, '').trim();
      // 统计局的人说… / 绑定银行卡自动扣费可以不 / 取消提醒 方太乡低保户交多少: a resident's question that begins
      // with a command's word goes to the core, not to the command
      if (!commandShaped(cmd, arg)) return null;
      return { cmd, arg };
    }
    // 村里户籍人口200人，特困5人……任务数多少: the task word later in a message with numbers
    if (/\d/.test(cnDigits(t)) && this.o.flow.commands.task!.words.some((w) => t.includes(w))) return { cmd: 'task', arg: t };
    return null;
  }

  private m(key: string, vars: Record<string, string> = {}): string {
    return fill(this.o.flow.messages[key] ?? key, vars);
  }

  private async isAdmin(msg: IncomingMessage): Promise<boolean> {
    if (this.o.adminIds.includes(msg.userId)) return true;
    if (msg.isAdmin) return true;
    return (await msg.adminCheck?.()) ?? false;
  }

  async handle(msg: IncomingMessage): Promise<Reply[]> {
    const p = this.parse(msg.text);
    if (!p) return this.inner.handle(msg);
    const info = turnInfoOf(msg);
    if (info) info.command = p.cmd;
    const replyTo = msg.chatType === 'group' ? { userId: msg.userId, name: msg.userName } : undefined;
    if (!(await this.isAdmin(msg))) return [{ text: this.m('notAdmin'), replyTo }];
    if (p.cmd === 'askFor') {
      if (!p.arg) return [{ text: this.help('askFor'), replyTo }];
      // a dialogue of its own, about the other person, forgotten after the answer
      return this.inner.handle(sameTurn(msg, { ...msg, text: p.arg, forwarded: true, onBehalf: true }));
    }
    const text = await this.run(p, msg);
    return [{ text, replyTo }];
  }

  private help(cmd: Command): string {
    const rules = this.o.rules();
    return fill(this.o.flow.commands[cmd]!.help, {
      regions: rules.notices.map((n) => n.region.short).join('、'),
      days: this.o.reminderDays.join('、'),
      time: this.o.reminderTime,
    });
  }

  private async run(p: Parsed, msg: IncomingMessage): Promise<string> {
    const { state } = this.o;
    const rules = this.o.rules();
    const current = (await state.getSettings(msg.chatId)) ?? {};
    const stamp = { updatedBy: msg.userId, updatedAt: this.o.clock.now() };
    const regionName = (id?: string) => (id ? (rules.byId.get(id)?.region.name ?? id) : '未绑定');
    switch (p.cmd) {
      case 'help':
        return this.help('help');
      case 'bind': {
        if (!p.arg) return this.help('bind');
        const r = findRegion(rules, p.arg);
        if (!r) return this.m('unknownRegion', { name: p.arg.slice(0, 20), regions: rules.notices.map((n) => n.region.short).join('、') });
        await state.setSettings(msg.chatId, { ...current, region: r.id, ...stamp });
        return this.m('bound', { region: r.region.name });
      }
      case 'unbind':
        if (!current.region) return this.m('notBound');
        await state.setSettings(msg.chatId, { ...current, region: undefined, reminders: false, ...stamp });
        return this.m('unbound');
      case 'settings':
        return this.m('settings', { region: regionName(current.region), reminders: current.reminders ? `开启（截止前${this.o.reminderDays.join('、')}天 ${this.o.reminderTime}）` : '关闭' });
      case 'remindOn':
        if (!current.region) return this.m('remindNeedsRegion');
        await state.setSettings(msg.chatId, { ...current, reminders: true, ...stamp });
        return this.m('remindersOn', { days: this.o.reminderDays.join('、'), time: this.o.reminderTime });
      case 'remindOff':
        await state.setSettings(msg.chatId, { ...current, reminders: false, ...stamp });
        return this.m('remindersOff');
      case 'stats':
        return this.stats(p.arg, msg.chatId);
      case 'task': {
        if (!p.arg) return this.help('task');
        const n = current.region ? rules.byId.get(current.region) : findRegion(rules, p.arg) ?? undefined;
        return this.task(p.arg, n ?? rules.notices.find((x) => x.taskCount) ?? rules.notices[0]!);
      }
      default:
        return this.help('help');
    }
  }

  private async stats(arg: string, chatId: string): Promise<string> {
    const m = /(\d{1,3})\s*天/.exec(arg) ?? /^(\d{1,3})$/.exec(arg.trim());
    const days = m ? Math.max(1, Math.min(365, Number(m[1]))) : 7;
    const since = this.o.clock.now() - days * 86400_000;
    const recs = (await this.o.state.stats(since)).filter((r) => r.chatId === chatId);
    if (!recs.length) return this.m('statsNone', { days: String(days) });
    const rules = this.o.rules();
    const answered = recs.filter((r) => r.answered).length;
    const undecided = recs.filter((r) => r.undecided).length;
    const lines = [
      this.m('statsHeader', {
        days: String(days),
        total: String(recs.length),
        answered: String(answered),
        undecided: String(undecided),
        failed: String(recs.length - answered - undecided),
      }),
    ];
    const count = (keys: string[]) => {
      const c = new Map<string, number>();
      for (const k of keys) c.set(k, (c.get(k) ?? 0) + 1);
      return [...c.entries()].sort((a, b) => b[1] - a[1]);
    };
    const topicNames: Record<string, string> = { fee: '交多少', deadline: '截止时间', cover: '待遇/报销', pay: '怎么缴费', register: '参保登记', who: '要不要参保', twice: '重复缴费', contact: '咨询电话', tier: '档次', other: '综合咨询' };
    lines.push(`按问题：${count(recs.flatMap((r) => (r.topics.length ? r.topics : ['other']))).map(([k, v]) => `${topicNames[k] ?? k}${v}`).join('，')}`);
    lines.push(`按地区：${count(recs.map((r) => (r.region ? (rules.byId.get(r.region)?.region.short ?? r.region) : '未说地区'))).map(([k, v]) => `${k}${v}`).join('，')}`);
    const top = (pick: (r: (typeof recs)[number]) => boolean) => count(recs.filter((r) => pick(r) && r.text).map((r) => r.text!)).slice(0, 5);
    for (const [key, list] of [
      ['statsFailed', top((r) => !r.answered && !r.undecided)],
      ['statsUndecided', top((r) => !!r.undecided)],
    ] as const) {
      if (!list.length) continue;
      lines.push(this.m(key));
      list.forEach(([t, v], i) => lines.push(`${i + 1}. ${t.slice(0, 40)}（${v}次）`));
    }
    return lines.join('\n');
  }

  private task(arg: string, n: Notice): string {
    const tc = n.taskCount;
    if (!tc) return this.m('taskUndecided', { region: n.region.short });
    const values = new Map<string, number>();
    const terms = [tc.base, ...tc.minus];
    // (the words read as the text is: 六类对象 → 6类对象)
    const words = terms.flatMap((t) => t.words.map((w) => ({ w: cnDigits(w), key: t.key }))).sort((a, b) => b.w.length - a.w.length);
    // 1,200 is 1200; 一千二 / 四十 are 1200 / 40
    let rest = cnDigits(arg.normalize('NFKC')).replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
    for (const { w, key } of words) {
      // 孤儿2 特困15: two words of one term add up
      // (当兵的3个 / 交了五险的300人: 的 between the word and the number)
      const re = new RegExp(`${w}[的有]?\\s*[:：=]?\\s*(\\d+)\\s*[人个名位]?`, 'g');
      for (const m of [...rest.matchAll(re)]) {
        values.set(key, (values.get(key) ?? 0) + Number(m[1]));
        rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length);
      }
    }
    // 低保30 / 六类对象3: numbers of people the notice's formula does not subtract, said back as not subtracted
    const unused = [...rest.matchAll(UNUSED_TERM)].map((m) => `${m[1]}${m[2]}`).filter((t) => !/任务/.test(t));
    if (!values.has(tc.base.key)) return this.m('taskBad', { help: this.help('task') });
    const base = values.get(tc.base.key)!;
    const parts = tc.minus.map((t) => ({ t, v: values.get(t.key) ?? 0 }));
    const result = parts.reduce((acc, p) => acc - p.v, base);
    if (result < 0) return this.m('taskNegative', { value: String(result) });
    const src = new Sources(n.notice.cite);
    src.add(tc.clause);
    const missing = parts.filter((p) => !values.has(p.t.key)).map((p) => p.t.label);
    return [
      `【${n.region.short}参保缴费任务数】`,
      `${tc.base.label}${base}`,
      ...parts.map((p) => `− ${p.t.label}${p.v}`),
      `= 任务数${result}人`,
      ...(missing.length ? [`（没填的按0算：${missing.join('、')}）`] : []),
      ...(unused.length ? [this.m('taskUnused', { terms: unused.join('、') })] : []),
      tc.note,
      src.line(n.notice.draft),
    ].join('\n');
  }
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };
/** 一千二百 / 一千二 / 四十 / 十五 written in Chinese numerals → digits (a cadre's counts of people) */
export function cnDigits(text: string): string {
  return text.replace(/[零〇一二两三四五六七八九十百千万]+/g, (w) => {
    if (!/[十百千万]/.test(w) && w.length > 1) return w; // 一二 / 三五: not a count
    let total = 0;
    let cur = 0;
    let lastUnit = 1;
    for (const ch of w) {
      if (ch in CN_DIGIT) cur = CN_DIGIT[ch]!;
      else {
        const unit = CN_UNIT[ch]!;
        total += (cur || (unit === 10 ? 1 : 0)) * unit;
        cur = 0;
        lastUnit = unit;
      }
    }
    // 一千二 is 1200: a last digit right after a unit counts in the next unit down
    if (cur) total += w.length > 1 && /[百千万]$/.test(w.slice(0, -1)) ? cur * (lastUnit / 10) : cur;
    return total > 0 ? String(total) : w;
  });
}

/** what follows a command's word when it is the command: nothing, or what that command takes */
function commandShaped(cmd: Command, arg: string): boolean {
  if (!arg) return true;
  switch (cmd) {
    case 'stats':
      return /^\d+\s*天?$/.test(arg); // 统计 7天
    case 'bind':
      return arg.length <= 12 && !QUESTION.test(arg); // 绑定 方太乡
    case 'task':
      return /\d/.test(cnDigits(arg)); // 任务数 户籍人口1200 特困15 / 户籍人口一千二
    case 'askFor':
      return true;
    default:
      return arg.length <= 12 && !QUESTION.test(arg); // 解绑 方太乡, 开启提醒 (what follows is not used)
  }
}
/** 低保30人 / 六类对象：3: a group of people and a number, left over after the formula's terms were read */
const UNUSED_TERM = /([\u4e00-\u9fff]{2,8}?)\s*[:：=]?\s*(\d+)\s*人?/g;
/** words that make the rest a question rather than a command's argument */
const QUESTION = /[?？吗吧么啥]|什么|怎么|可以|能不能|多少|是不是|要得|不$/;
