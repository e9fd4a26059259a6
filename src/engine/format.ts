import { cnDate, cnMoney, daysBetween } from './dates.ts';
import type { Cited, Quote, TierAmount } from './quote.ts';

/** 「通知未明确」 is the fixed words for every gap in a notice. */
export const UNDECIDED = '通知未明确';
export const VERIFY = '以经办机构核定为准';
/** cover after a waiting period this short or shorter is counted out in days */
const SHORT_COVER_DAYS = 31;

/** Collects the clauses an answer used, in order, for its one source line. */
export class Sources {
  private readonly clauses: string[] = [];
  constructor(private readonly cite: string) {}
  add(clause: string | null | undefined): string {
    if (!clause || clause === '无') return '';
    for (const c of clause.split('、')) if (!this.clauses.includes(c)) this.clauses.push(c);
    return clause;
  }
  /** 依据：<notice>[（征求意见稿）] <clauses> (the draft mark on the notice, not after its last clause) */
  line(draft = false): string {
    const cite = `${this.cite}${draft ? '（征求意见稿）' : ''}`;
    return this.clauses.length ? `依据：${cite} ${this.clauses.join('、')}` : `依据：${cite}`;
  }
}

export function contactLine(q: Quote): string {
  const c = q.contact;
  return c.phone ? `咨询：${c.name} ${c.phone}` : `咨询：${c.name}`;
}

/** whom to ask when the notice does not decide */
export function askWhom(q: { contact: Quote['contact']; region: { office: string } }): string {
  const c = q.contact;
  return c.phone ? `请咨询${c.name}（${c.phone}）或${q.region.office}` : `请咨询${c.name}`;
}

function tierLabel(a: TierAmount): string {
  return a.tierName ? `${a.tierName}` : '';
}

/** the person's own standard beside an undecided fee: 个人缴费标准 / 本类人员个人缴费标准 / what they pay on time */
function standardText(std: TierAmount[]): string {
  const amounts = std.map((a) => `${tierLabel(a)}${cnMoney(a.amount)}`).join('、');
  if (std.every((a) => a.parts === `个人缴费标准${a.amount}元`)) return `个人缴费标准是${amounts}`;
  if (std.every((a) => a.parts.startsWith('本类'))) return `本类人员个人缴费标准是${amounts}`;
  return `按期缴费时：${std.map((a) => `${tierLabel(a)}${cnMoney(a.amount)}（${a.parts}）`).join('、')}`;
}

export function feeText(q: Quote, src: Sources): string[] {
  const f = q.fee;
  if (f.status === 'none') return [`缴费：${f.text}`];
  if (f.status === 'undecided') {
    // what the notice says on lines of their own: a long quotation is hard to read on a phone in one line
    const lines = [`要交多少：${UNDECIDED}。`, ...shortLines(`${f.text}。`)];
    if (f.standard.length) {
      f.standard.forEach((a) => src.add(a.clause));
      lines.push(`（${standardText(f.standard)}）`);
    }
    return lines;
  }
  const [first] = f.amounts;
  if (f.amounts.length === 1 && first) {
    src.add(first.clause);
    const parts = first.parts === `个人缴费标准${first.amount}元` ? '' : `（${first.parts}）`;
    return [`要交：${tierLabel(first)}${cnMoney(first.amount)}${parts}`];
  }
  f.amounts.forEach((a) => src.add(a.clause));
  const lines = [`要交：${f.amounts.map((a) => `${tierLabel(a)}${cnMoney(a.amount)}`).join('，')}`];
  if (!f.late && f.amounts.every((a) => a.parts.startsWith('本类'))) lines.push('（本类人员单独的个人缴费标准）');
  else if (f.late || f.amounts.some((a) => a.parts.includes('−'))) {
    lines.push(`（${f.amounts.map((a) => a.parts).join('；')}）`);
  }
  return lines;
}

/** a long sentence cut after a quotation (”，) and after each sentence (。), where a reader pauses anyway */
export function shortLines(text: string): string[] {
  return text.split(/(?<=”，|。)/).filter((l) => l.length > 0);
}

export function paidOnText(q: Quote): string {
  if (q.situation.paidMonth) return `按${Number(q.paidOn.slice(0, 4))}年${Number(q.paidOn.slice(5, 7))}月缴费计算`;
  return q.paidOnIsToday || q.paidOn === q.situation.today ? `按今天（${cnDate(q.paidOn)}）缴费计算` : `按${cnDate(q.paidOn)}缴费计算`;
}

/**
 * `openLatest`: say that the notice sets no last day after the collection period (方太乡). Said when the deadline is
 * asked; beside a fee paid within the period it reads as if the deadline were unknown.
 */
export function deadlineText(q: Quote, src: Sources, openLatest = true): string[] {
  const w = q.window;
  const lines: string[] = [];
  switch (w.status) {
    case 'in': {
      src.add(w.window.clause);
      const range = w.window.to ? `${cnDate(w.window.from)}至${cnDate(w.window.to)}` : `${cnDate(w.window.from)}起`;
      lines.push(`${paidOnText(q)}，属于${w.window.label}（${range}）。`);
      const first = q.windows[0]!;
      if (w.window === first && first.to) lines.push(`集中缴费截止：${cnDate(first.to)}`);
      // a newborn whose own days end first: that day is its last (said in the newborn's line), not the general one
      const nb = q.newborn;
      if (w.latest && !(nb && 'deadline' in nb && nb.deadline < w.latest.text)) {
        src.add(w.latest.clause);
        lines.push(`最晚：${cnDate(w.latest.text)}前缴清`);
      } else if (w.latestUndecided && (openLatest || w.window !== q.windows[0])) {
        lines.push(`最晚哪天：${UNDECIDED}（${w.latestUndecided}）`);
      }
      break;
    }
    case 'before':
      src.add(w.first.clause);
      lines.push(`${paidOnText(q)}：${w.first.label}从${cnDate(w.first.from)}开始${w.first.to ? `，到${cnDate(w.first.to)}截止` : ''}。`);
      lines.push(`开始前能否缴费：${UNDECIDED}`);
      break;
    case 'closed':
      src.add(w.clause);
      lines.push(`${paidOnText(q)}：已过截止日期。${w.text}。`);
      break;
    case 'special':
      // the payment day does not decide which rule applies here: without one, do not say 「按今天」
      src.add(w.clause);
      lines.push(`${q.paidOnIsToday ? '' : `${paidOnText(q)}：`}属于${w.text}。`);
      if (w.general?.to) {
        // no deadline of its own: say so, and the one the notice sets for the year (not a guess that it binds them)
        src.add(w.general.clause);
        lines.push(`截止日期：${UNDECIDED}（没有单独写这一类人的截止日期）`);
        lines.push(`全体居民的${w.general.label}：${cnDate(w.general.from)}至${cnDate(w.general.to)}`);
      }
      break;
    case 'after-year':
    case 'undecided':
      lines.push(`${paidOnText(q)}：${UNDECIDED}。${w.text}。`);
      break;
  }
  return lines;
}

export function coverText(q: Quote, src: Sources): string[] {
  const c = q.cover;
  if (c.status === 'none') {
    src.add(c.clause);
    return [`待遇：${c.text}`];
  }
  if (c.status === 'undecided') return [`待遇从哪天开始：${UNDECIDED}（${c.text}）`];
  src.add(c.clause);
  if (c.status === 'rule') {
    // no payment day to count from (or a year this notice does not set): the rule as the notice words it
    if (c.end === null) return [`待遇：按通知，${c.text}`];
    return [`待遇：${c.from}起至${cnDate(c.end)}`, `（说了哪天缴费的，可以算出具体日期；${VERIFY}）`];
  }
  if (c.start === c.end) {
    // the waiting period ends on the last day of cover: one day, and none if the wait is counted one day later
    const lines = [`待遇：只有${cnDate(c.end)}这一天`];
    if (c.waitDays) lines.push(`（有${c.waitDays}天等待期，等满时已是最后一天；等待期如果晚算一天，就享受不到了，${VERIFY}）`);
    else if (c.startReason) lines.push(`（${c.startReason}起享受，${VERIFY}）`);
    return lines;
  }
  const days = daysBetween(c.start, c.end) + 1;
  // a late payment that leaves only a few days of cover says so
  const short = c.waitDays && days <= SHORT_COVER_DAYS ? `（只有${days}天）` : '';
  const lines = [`待遇：${cnDate(c.start)}至${cnDate(c.end)}${short}`];
  // (the notices do not say whether the day of payment counts in the wait: a day later if it does not, which matters
  // to someone going to hospital on that day)
  if (c.waitDays) lines.push(`（有${c.waitDays}天等待期，${cnDate(c.start)}起享受，也可能晚一天，${VERIFY}）`);
  else if (c.startReason) lines.push(`（${c.startReason}起享受，${VERIFY}）`);
  return lines;
}

export function newbornText(q: Quote, src: Sources): string[] {
  const n = q.newborn;
  if (!n) return [];
  if ('undecided' in n) return [`新生儿：${UNDECIDED}（${n.undecided}）`];
  src.add(n.clause);
  return [`新生儿：出生之日起${n.withinDays}日内独立参保，最晚${cnDate(n.deadline)}（${VERIFY}）`];
}

export function enrolText(q: Quote, src: Sources): string[] {
  const e = q.enrol;
  if (e.status === 'here') return [];
  src.add(e.clause);
  if (e.status === 'undecided') return [`是否在这里参保：${UNDECIDED}。${e.text}。`];
  return [`参保地：${e.text}`];
}

function cited(lines: Cited[], src: Sources): string[] {
  return lines.map((l) => {
    src.add(l.clause);
    return l.text;
  });
}

export function firstStepsText(q: Quote, src: Sources): string[] {
  const out: string[] = [];
  for (const f of q.firstSteps) {
    const who = f.when === 'new' ? '新参保的' : '中断后续保的';
    if (f.steps.length) out.push(`${who}：${cited(f.steps, src).join('；')}`);
    else if (f.undecided) out.push(`${who}：${UNDECIDED}（${f.undecided}）`);
  }
  return out;
}

function decisionText(q: Quote, src: Sources): string[] {
  const d = q.decision;
  if (!d || !d.winner) return [];
  src.add(d.clause);
  return [
    `多种身份按就高原则：按“${d.winner.name}”计算`,
    ...d.others.map((o) => `· ${o.name}：${o.why}`),
  ];
}

/** paying on that day is no longer possible (or not covered by the notice): the deadline line says it all */
export function isClosed(q: Quote): boolean {
  return (q.window.status === 'closed' || q.window.status === 'after-year') && q.fee.status === 'none';
}

export function undecidedText(q: Quote): string[] {
  return q.undecided.map((u) => `${UNDECIDED}：${u}`);
}

/** The whole answer, every fact with its clause in 〔〕: for cadres and the quote CLI. */
export function formatFull(q: Quote): string {
  const out: string[] = [];
  const src = new Sources(q.notice.cite);
  out.push(`【${q.region.short} ${q.notice.policyYear}年度城乡居民医保】`);
  if (q.identities.length) out.push(`身份：${q.identities.map((i) => i.name).join('、')}`);
  const closed = isClosed(q);
  const sections: string[][] = [
    enrolText(q, src),
    closed ? [] : [...feeText(q, src), ...decisionText(q, src)],
    deadlineText(q, src),
    newbornText(q, src),
    closed ? [] : coverText(q, src),
    closed ? [] : firstStepsText(q, src),
  ];
  let n = 1;
  for (const lines of sections) {
    if (!lines.length) continue;
    out.push(`${n}. ${lines[0]}`);
    for (const l of lines.slice(1)) out.push(`   ${l}`);
    n++;
  }
  const extra = [...cited(q.warnings, src).map((w) => `⚠ ${w}`), ...cited(q.notes, src).map((t) => `· ${t}`)];
  if (extra.length) out.push(...dedupe(extra));
  for (const u of undecidedText(q)) out.push(u);
  if (q.undecided.length || q.fee.status === 'undecided' || q.cover.status === 'undecided') out.push(askWhom(q));
  out.push('缴费方式：');
  q.channels.forEach((c, i) => {
    src.add(c.clause);
    out.push(`${i + 1}. ${c.name}`);
    c.steps.forEach((s, j) => out.push(`   (${j + 1}) ${s}`));
  });
  if (q.channelStepsUndecided && q.channels.some((c) => c.steps.length === 0)) {
    out.push(`   操作步骤：${UNDECIDED}（${q.channelStepsUndecided}）`);
  }
  for (const c of q.conventions) {
    src.add(c.clause);
    out.push(`说明：${c.text}`);
  }
  out.push(contactLine(q));
  src.add(q.contact.clause);
  out.push(src.line(q.notice.draft));
  return out.join('\n');
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
