/** Short answers for a phone in a group chat: the facts asked for, what to do next, one source line. */
import { fill } from './template.ts';
import {
  askWhom,
  contactLine,
  coverText,
  deadlineText,
  enrolText,
  feeText,
  shortLines,
  firstStepsText,
  isClosed,
  newbornText,
  paidOnText,
  Sources,
  UNDECIDED,
  undecidedText,
} from '../engine/format.ts';
import { cnDate, cnMoney, daysBetween, type IsoDate } from '../engine/dates.ts';
import type { Quote } from '../engine/quote.ts';
import type { Channel, Notice } from '../rules/schema.ts';
import type { ChatMessages } from '../nlu/extra.ts';
import type { Topic } from './flows.ts';

export interface AnswerParts {
  lines: string[];
  source: string;
}

export interface AnswerOptions {
  notice: Notice;
  messages: ChatMessages;
  /** questions the notice leaves open that were asked about (rules undecided[].topic) */
  undecided?: string[];
  /** the payment date was read from the resident's words: say how it was read */
  dateRead?: boolean;
  /** only the month of payment is known and the cover starts on different days within it: no cover line */
  noCover?: boolean;
  /** asked how many days are left (还有几天截止): counted to the end of the period paid in */
  daysLeft?: boolean;
  /** nobody said who the person is: the answer is for an ordinary resident, and says so */
  assumedOrdinary?: boolean;
  /** an amount the resident named (交65元可以吗): said whether it is the notice's amount */
  saidAmount?: number;
  /** that amount was paid already: a different amount is not to be paid, and whether money comes back is open */
  saidAmountPaid?: boolean;
  /** a day asked about (6月1号住院能报吗): said whether it falls in the cover */
  askedOn?: IsoDate;
  /** a month asked about (5月份住院能报吗) */
  askedMonth?: { from: IsoDate; to: IsoDate };
  /** the question speaks of several people: the fee is said to be per person (no family total is computed) */
  several?: boolean;
  /** asks whether paying later costs more (交晚了要多交钱吗) */
  surchargeAsked?: boolean;
  /** how many people each of eachPerson stands for (a household of a known size): the total is said */
  eachCount?: number[];
  /** several days of payment (我老婆1月15号交的，我2月20号交的): the cover of each */
  eachPaid?: Quote[];
  /** a category the person reaches by age later in the year (明年满60岁) */
  reachesLater?: { id: string; name: string };
  /** how many people, all of one kind: the total is said beside each person's amount */
  headcount?: number;
  /** several people of different kinds (两个特困一个低保): each kind's own fee, instead of one under 就高原则 */
  eachPerson?: Quote[];
}

/** （…） in an identity's name: left out where the name is only a label */
const PARENTHESES = /（.*?）/g;

/** an identity's name without its （…） explanation, for a header or a short mention */
export function plainName(name: string): string {
  return name.replace(PARENTHESES, '');
}

/** the notes of the windows that have a waiting period, per notice (rules data, so built once) */
const coverNotesOf = new WeakMap<Notice, Set<string | undefined>>();
function coverNotes(notice: Notice): Set<string | undefined> {
  let notes = coverNotesOf.get(notice);
  if (!notes) {
    notes = new Set(notice.windows.map((w) => (w.cover.kind === 'wait' ? w.cover.note : undefined)).filter(Boolean));
    coverNotesOf.set(notice, notes);
  }
  return notes;
}

function numbered(sections: string[][]): string[] {
  const out: string[] = [];
  let n = 1;
  for (const s of sections) {
    if (!s.length) continue;
    out.push(`${n}. ${s[0]}`);
    out.push(...s.slice(1).map((l) => `   ${l}`));
    n++;
  }
  return out;
}

function regionHeader(q: Quote): string {
  return `【${q.region.short}·${q.notice.policyYear}年度】`;
}

/** who the answer is about: the identities' short names, or 普通居民 */
function whoOf(q: Quote): string {
  return q.identities.length ? q.identities.map((i) => plainName(i.name)).join('、') : '普通居民';
}

export function header(q: Quote, notice?: Notice): string {
  const who = whoOf(q);
  const tier = notice && notice.tiers.length > 1 ? notice.tiers.find((t) => t.id === q.situation.tier)?.name : undefined;
  return `${regionHeader(q)}${who}${tier ? `·${tier}` : ''}`;
}

/** 依据：… with the clauses used, marked when the notice is a draft (方太乡's 征求意见稿) */
function sourceLine(n: { draft: boolean }, src: Sources): string {
  return src.line(n.draft);
}

/** the clause of each identity's treatment: what the answer about them rests on */
function identityClauses(q: Quote, o: AnswerOptions, src: Sources) {
  for (const i of q.identities) src.add(o.notice.identities[i.id]?.clause);
}

/** 多种身份按就高原则 */
function decisionLines(q: Quote, src: Sources): string[] {
  const d = q.decision;
  if (!d?.winner) return [];
  src.add(d.clause);
  // another of the person's identities whose subsidy the notice leaves open might lower the fee further
  const open = d.others.filter((o) => o.open).map((o) => plainName(o.name));
  return [
    `多种身份按就高原则，按“${plainName(d.winner.name)}”计算`,
    ...(open.length ? [`${open.join('、')}的资助${UNDECIDED}；如果资助更多，按更多的算`] : []),
  ];
}

function newbornLines(q: Quote, o: AnswerOptions, src: Sources): string[] {
  if (q.newborn) return newbornText(q, src);
  const nb = o.notice.newborns;
  if (nb && q.missing.includes('bornOn')) {
    src.add(nb.clause);
    return [`新生儿：${nb.text}`, o.messages.newbornDate];
  }
  return [];
}

function channelLine(notice: Notice, src: Sources): string[] {
  notice.channels.forEach((c) => src.add(c.clause));
  return [`缴费方式：${notice.channels.map((c) => c.name).join('、')}`];
}

const isUndecided = (line: string) => line.startsWith(UNDECIDED);

/** what the notice leaves open about the things asked (报销比例, 一档二档的区别...) */
function noticeUndecided(q: Quote, topics: Topic[], o: AnswerOptions, src: Sources): string[] {
  const asked = new Set(o.undecided ?? []);
  if (topics.includes('tier')) asked.add('tier');
  const out: string[] = [];
  for (const u of o.notice.undecided) {
    if (!asked.has(u.topic)) continue;
    if (u.topic === 'tier') o.notice.tiers.forEach((t) => src.add(t.clause));
    if (u.clause) src.add(u.clause);
    if (u.says) out.push(...shortLines(u.says));
    if (u.text) out.push(`${UNDECIDED}：${u.text}`);
  }
  return out;
}

function notesAndWarnings(q: Quote, o: AnswerOptions, src: Sources, opts: { warnings: boolean; cover: boolean; tierChoice: boolean }): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const waitNotes = coverNotes(o.notice);
  if (opts.warnings) {
    for (const w of q.warnings) {
      if (seen.has(w.text)) continue;
      seen.add(w.text);
      src.add(w.clause);
      out.push(`⚠ ${w.text}`);
    }
  }
  for (const n of q.notes) {
    if (seen.has(n.text)) continue;
    if (n.text === o.notice.tierChoice?.text && !opts.tierChoice) continue;
    if (waitNotes.has(n.text) && !opts.cover) continue;
    seen.add(n.text);
    src.add(n.clause);
    out.push(`· ${n.text}`);
  }
  return out;
}

function anyUndecided(q: Quote): boolean {
  return (
    q.undecided.length > 0 ||
    q.fee.status === 'undecided' ||
    !!q.decision?.others.some((o) => o.open) ||
    q.cover.status === 'undecided' ||
    q.enrol.status === 'undecided' ||
    (q.newborn !== null && 'undecided' in q.newborn)
  );
}

/** 还能交吗 after 2024年6月30日: paying now costs more than the personal fee (from rules/), when the fee is not shown */
function surchargeLines(q: Quote, src: Sources): string[] {
  const s = q.surcharge;
  if (!s) return [];
  src.add(s.clause);
  return [s.amount === null ? `要交多少：${UNDECIDED}。${s.text}。` : `注意：${s.text}。`];
}

/** 交65元可以吗: whether the amount named is the one the notice gives (only where the notice decides the fee) */
function saidAmountLines(q: Quote, o: AnswerOptions): string[] {
  if (o.saidAmount === undefined || q.fee.status !== 'decided') return [];
  const amount = `${o.saidAmount}元`;
  const known = q.fee.amounts.some((a) => a.amount === o.saidAmount);
  if (known) return [fill(o.messages.amountMatches, { amount })];
  return [fill(o.saidAmountPaid ? o.messages.amountPaidOther : o.messages.amountOther, { amount })];
}

/** 明年3月满60岁: where the notice leaves open what that age brings, say so beside today's fee */
function reachesLaterLines(q: Quote, o: AnswerOptions, src: Sources): string[] {
  const r = o.reachesLater;
  const rule = r && o.notice.identities[r.id];
  if (!r || !rule || rule.fee.kind !== 'undecided' || q.identities.some((i) => i.id === r.id)) return [];
  src.add(rule.clause);
  return [fill(o.messages.reachesLater, { who: plainName(r.name) })];
}

/**
 * 两个特困一个低保 / 我是普通人，儿子在读大学，什么时候能用: one line per kind of person, with what `line` says of
 * that kind (its fee, its cover), or where it enrols when that is not here
 */
function eachLines(quotes: Quote[], src: Sources, line: (p: Quote) => string): string[] {
  return quotes.map((p) => `${whoOf(p)}：${p.enrol.status !== 'here' ? enrolText(p, src)[0]!.replace(LINE_LEAD, '') : line(p)}`);
}
/** 一共：<each amount>×<how many>＋…＝<total>, when every person's fee is one amount the notice decides and each kind's count is known */
function eachTotal(each: Quote[], o: AnswerOptions): string[] {
  const counts = o.eachCount;
  if (!counts || counts.length !== each.length) return [];
  const amounts: number[] = [];
  for (const p of each) {
    if (p.fee.status !== 'decided' || p.fee.amounts.length !== 1) return [];
    amounts.push(p.fee.amounts[0]!.amount);
  }
  const parts = amounts.map((a, i) => (counts[i]! > 1 ? `${cnMoney(a)}×${counts[i]}` : cnMoney(a)));
  const total = amounts.reduce((sum, a, i) => sum + a * counts[i]!, 0);
  const n = counts.reduce((a, b) => a + b, 0);
  return [fill(o.messages.eachTotal, { n: String(n), parts: parts.join('＋'), total: cnMoney(total) })];
}
/** a kind's own fee: the first line of its fee text (an amount left open: 通知未明确 and why, on the one line) */
const feeOf = (p: Quote, src: Sources) =>
  p.fee.status === 'none' ? p.fee.text : p.fee.status === 'undecided' ? `要交多少：${UNDECIDED}。${p.fee.text}。` : feeText(p, src)[0]!.replace(FEE_LEAD, '');
/** a kind's own cover: the first line of its cover text */
const coverOf = (p: Quote, src: Sources) => coverText(p, src)[0]!.replace(LINE_LEAD, '');
const FEE_LEAD = /^要交：/;
/** 参保地： / 是否在这里参保：, before what the line says */
const LINE_LEAD = /^[^：]*：/;

/** 6月1号住院能报吗: whether the day asked about is in the cover computed above (only where the notice decides it) */
function askedDayLines(q: Quote, o: AnswerOptions): string[] {
  const day = o.askedOn;
  const c = q.cover;
  const m = o.messages;
  const mo = o.askedMonth;
  if (mo && !day && c.status === 'decided') {
    const vars = { month: `${Number(mo.from.slice(5, 7))}月`, start: cnDate(c.start), end: cnDate(c.end) };
    if (mo.to < c.start) return [fill(m.askedMonthBefore, vars)];
    if (mo.from > c.end) return [fill(m.askedAfterCover, { ...vars, date: vars.month })];
    if (mo.from >= c.start) return [fill(m.askedMonthIn, vars)];
    return [fill(m.askedMonthPart, vars)];
  }
  if (!day || c.status !== 'decided') return [];
  const vars = { date: cnDate(day), start: cnDate(c.start), end: cnDate(c.end) };
  if (day < c.start) return [fill(m.askedBeforeCover, vars)];
  if (day > c.end) return [fill(m.askedAfterCover, vars)];
  // the first day after a waiting period: a day later if the office counts the wait from the next day
  if (day === c.start && c.waitDays) return [fill(m.askedFirstDay, vars)];
  return [fill(m.askedInCover, vars)];
}

/**
 * 交晚了要多交钱吗 / 6月30号交要不要加钱: what the notice says about paying more later (桂阳 二（四）: after 6月30日
 * the 2024 subsidy is added, and how the day itself is read), or that it does not say (方太乡); once per answer
 */
function surchargeAskedLines(o: AnswerOptions, lines: string[], src: Sources): string[] {
  if (!o.surchargeAsked) return [];
  const n = o.notice;
  const out: string[] = [];
  const said = (t: string) => lines.some((l) => l.includes(t));
  if (n.lateSurcharge) {
    src.add(n.lateSurcharge.clause);
    // (an amount the notice does not give: 「通知未明确」, and whom to ask follows)
    if (!said(n.lateSurcharge.text)) out.push(`${n.lateSurcharge.amount === null ? `${UNDECIDED}：` : '注意：'}${n.lateSurcharge.text}。`);
    for (const c of n.conventions) {
      if (c.topic !== 'late' || said(c.text)) continue;
      src.add(c.clause);
      out.push(`说明：${c.text}`);
    }
  } else if (n.lateSurchargeUndecided && !said(n.lateSurchargeUndecided)) out.push(`${UNDECIDED}：${n.lateSurchargeUndecided}`);
  return out;
}

/** 还有几天截止: the days from today to the end of the period paid in (today not counted) */
function daysLeftLines(q: Quote, o: AnswerOptions): string[] {
  if (!o.daysLeft || q.window.status !== 'in' || !q.window.window.to) return [];
  const to = q.window.window.to;
  const n = daysBetween(q.situation.today, to);
  if (n < 0) return [];
  return [n === 0 ? fill(o.messages.lastDay, { date: cnDate(to) }) : fill(o.messages.daysLeft, { date: cnDate(to), n: String(n) })];
}

/** The answer to the topics asked; with no topic, the whole short answer. */
export function composeAnswer(q: Quote, topics: Topic[], o: AnswerOptions): AnswerParts {
  const src = new Sources(q.notice.cite);
  identityClauses(q, o, src);
  const all = topics.length === 0 || topics.every((t) => t === 'tier');
  const want = (t: Topic) => all || topics.includes(t);
  const closed = isClosed(q);
  const sections: string[][] = [];
  // enrolled elsewhere (大学生在学校所在地) or not a resident scheme member at all (职工医保): that is the answer
  // several kinds of people: each kind's line says where it enrols or what it pays; the rest is about them all
  const each = o.eachPerson?.length ? o.eachPerson : undefined;
  const notHere = !each && (q.enrol.status === 'elsewhere' || q.enrol.status === 'not-eligible');
  if (!each && (want('who') || want('twice') || q.enrol.status !== 'here')) sections.push(enrolText(q, src));
  const showFee = (want('fee') || want('tier') || want('who')) && !closed && !notHere && (!!each || q.fee.status !== 'none');
  // 一家5口要交多少: the notice gives each person's amount (每人每年); the line says so, it adds nothing up
  const perPerson = o.several && (q.fee.status === 'decided' || (q.fee.status === 'undecided' && q.fee.standard.length > 0)) ? [o.messages.perPerson] : [];
  // 4口人都是普通人，一共多少: each amount times the number of people (the same kind, a fee the notice decides)
  if (o.headcount && !o.eachPerson && q.fee.status === 'decided' && q.fee.amounts.length) {
    const n = o.headcount;
    const parts = q.fee.amounts.map((a) => `${a.tierName ?? ''}${a.amount}元×${n}=${a.amount * n}元`);
    perPerson.push(fill(o.messages.headcountTotal, { n: String(n), total: parts.join('，') }));
  }
  if (showFee && each) {
    // (one person of several categories: which one counts, under 就高原则, below that person's line)
    const lines = each.flatMap((p) => [eachLines([p], src, (x) => feeOf(x, src))[0]!, ...decisionLines(p, src).map((l) => `  ${l}`)]);
    sections.push([o.messages.eachPersonHead, ...lines, o.messages.perPerson, ...eachTotal(each, o)]);
  }
  else if (showFee) sections.push([...feeText(q, src), ...perPerson, ...decisionLines(q, src), ...saidAmountLines(q, o), ...reachesLaterLines(q, o, src)]);
  // (several payments already made, asked about their cover: no deadline to tell)
  const showDeadline = (want('deadline') || want('fee') || (want('cover') && !o.eachPaid)) && !notHere;
  // whether this person enrols here is open: the dates hold only if they do
  const ifHere = (lines: string[]) => (q.enrol.status === 'undecided' && lines.length ? [o.messages.ifEnrolledHere + lines[0], ...lines.slice(1)] : lines);
  if (showDeadline) sections.push(ifHere([...deadlineText(q, src, topics.includes('deadline')), ...daysLeftLines(q, o), ...(showFee ? [] : surchargeLines(q, src))]));
  // (a newborn whose enrolment is already said to be open: the newborn line would say it a third time)
  if (!(q.enrol.status === 'undecided' && q.newborn !== null && 'undecided' in q.newborn)) sections.push(newbornLines(q, o, src));
  // 过了截止日还能交吗 / 1月交要交多少: what paying then means for the cover (a later start, a waiting period)
  const late = q.window.status === 'in' && q.window.window !== q.windows[0];
  // enrolled elsewhere, the notice may still say when the cover starts (在渝高校新生 who enrolled at school, 二（二）)
  const showCover = !o.noCover && (want('cover') || ((want('deadline') || want('fee')) && late)) && !closed && (!notHere || q.cover.status !== 'none');
  if (showCover && each) sections.push([o.messages.eachCoverHead, ...eachLines(each, src, (p) => coverOf(p, src))]);
  else if (showCover && o.eachPaid) sections.push(o.eachPaid.flatMap((p) => [fill(o.messages.eachPaidHead, { date: cnDate(p.paidOn) }), ...coverText(p, src).map((l) => `   ${l}`)]));
  else if (showCover) sections.push(q.cover.status === 'undecided' ? coverText(q, src) : ifHere([...coverText(q, src), ...askedDayLines(q, o)]));
  if (topics.includes('register')) sections.push(firstStepsText(q, src));
  if (topics.includes('pay') && !notHere) sections.push(channelLine(o.notice, src));
  // 我是普通人，儿子在读大学: everyone the question is about
  const lines = [each ? `${regionHeader(q)}${each.map(whoOf).join('、')}` : header(q, o.notice)];
  if (o.dateRead && !o.eachPaid && !showDeadline && !notHere && (showFee || showCover)) lines.push(paidOnText(q));
  lines.push(...numbered(sections));
  lines.push(
    ...notesAndWarnings(q, o, src, {
      warnings: want('twice') || want('who') || all || q.enrol.status !== 'here',
      cover: showCover,
      // only when a tier is still to choose (not for a payment this notice sets no tiers for: 新生 入学 for 2025)
      tierChoice: showFee && q.missing.includes('tier'),
    }),
  );
  if (topics.includes('register')) {
    for (const r of q.registrationRules) {
      src.add(r.clause);
      if (!lines.includes(`· ${r.text}`)) lines.push(`· ${r.text}`);
    }
  }
  // whether more is charged after the collection period matters only where the fee or the deadline is told
  const lateOpen = showFee || showDeadline ? undefined : `${UNDECIDED}：${o.notice.lateSurchargeUndecided}`;
  for (const u of undecidedText(q)) if (u !== lateOpen && !lines.some((l) => l.includes(u.slice(UNDECIDED.length + 1)))) lines.push(u);
  const open = noticeUndecided(q, topics, o, src);
  lines.push(...open);
  lines.push(...surchargeAskedLines(o, lines, src));
  if (topics.includes('twice')) lines.push(o.messages.twice);
  // 断缴了怎么补 where the notice does not say: whom to ask
  const stepsOpen = topics.includes('register') && q.firstSteps.some((f) => !f.steps.length && f.undecided);
  // (a line above may say it too: 多交的能不能退，通知未明确)
  const unsure = anyUndecided(q) || topics.includes('twice') || stepsOpen || lines.some((l) => l.includes(UNDECIDED));
  if (unsure) lines.push(askWhom(q));
  if (topics.includes('contact') && !unsure) lines.push(contactLine(q));
  if (o.assumedOrdinary && q.identities.length === 0 && (showFee || showCover)) lines.push(o.messages.assumedOrdinary);
  const dated = showCover || showDeadline || q.newborn !== null;
  // paying on the last day: how the notice's 「…前完清」 is read, and that the office decides
  if ((showCover || showDeadline) && q.window.status === 'in') {
    for (const c of q.conventions) {
      if (c.topic !== 'closing') continue;
      src.add(c.clause);
      lines.push(`说明：${c.text}`);
    }
  }
  if (dated && q.conventions.some((c) => c.topic === 'wait' || c.topic === 'newborn') && !lines.some((l) => l.includes('核定'))) {
    lines.push('日期按通知推算，以经办机构核定为准');
  }
  return { lines, source: sourceLine(q.notice, src) };
}

/**
 * A forwarded question that leaves a yes/no fact open (大学在不在重庆市内): the fee for each answer,
 * then what is the same for both.
 */
export function composeVariants(ask: string, variants: { label: string; q: Quote }[], topics: Topic[], o: AnswerOptions): AnswerParts {
  const first = variants[0]!.q;
  const src = new Sources(first.notice.cite);
  identityClauses(first, o, src);
  const all = topics.length === 0 || topics.every((t) => t === 'tier');
  const want = (t: Topic) => all || topics.includes(t);
  const lines = [header(first, o.notice), fill(o.messages.variants, { ask })];
  const extra: string[] = [];
  // the payment period and the cover may differ between the answers (大学新生: 二（二） is only for 在渝高校):
  // then each answer has its own; one enrolled elsewhere has no payment period here
  const notHere = (q: Quote) => q.enrol.status === 'elsewhere' || q.enrol.status === 'not-eligible';
  const wantDeadline = want('deadline') || want('fee') || want('cover');
  const wantCover = want('cover') && !isClosed(first);
  const scratch = () => new Sources(first.notice.cite);
  // nor has one of whom the notice does not say whether they enrol here (在重庆市外上大学)
  const noWindow = (q: Quote) => notHere(q) || q.enrol.status === 'undecided';
  const deadlines = variants.map((v) => (noWindow(v.q) ? '' : deadlineText(v.q, scratch()).join('\n')));
  const covers = variants.map((v) => coverText(v.q, scratch()).join('\n'));
  const deadlineEach = wantDeadline && new Set(deadlines).size > 1;
  const coverEach = wantCover && new Set(covers).size > 1;
  for (const v of variants) {
    const away = notHere(v.q);
    const fee = isClosed(v.q) || (away && v.q.fee.status === 'none') ? [] : feeText(v.q, src);
    const deadline = deadlineEach && !noWindow(v.q) ? deadlineText(v.q, src) : [];
    // enrolled elsewhere with no cover from this notice: the enrolment line says it
    const cover = coverEach && !(away && v.q.cover.status === 'none') ? coverText(v.q, src) : [];
    const part = [...enrolText(v.q, src), ...fee, ...deadline, ...cover];
    if (!part.length) continue;
    lines.push(`● ${v.label}：${part[0]}`, ...part.slice(1).map((l) => `   ${l}`));
    for (const l of notesAndWarnings(v.q, o, src, { warnings: true, cover: false, tierChoice: false })) if (!extra.includes(l)) extra.push(l);
  }
  const sections: string[][] = [];
  if (wantDeadline && !deadlineEach && deadlines[0]) sections.push(deadlineText(first, src));
  if (wantCover && !coverEach) sections.push(coverText(first, src));
  if (topics.includes('register')) sections.push(firstStepsText(first, src));
  lines.push(...numbered(sections), ...extra);
  for (const v of variants) for (const u of undecidedText(v.q)) if (!lines.includes(u)) lines.push(u);
  const open = noticeUndecided(first, topics, o, src);
  lines.push(...open);
  if (topics.includes('twice')) lines.push(o.messages.twice);
  if (variants.some((v) => anyUndecided(v.q)) || open.some(isUndecided) || topics.includes('twice')) lines.push(askWhom(first));
  return { lines, source: sourceLine(first.notice, src) };
}

/** 通知没有写的事（报销比例、一档二档的区别）: say so, and whom to ask */
export function undecidedAnswer(q: Quote, o: AnswerOptions): AnswerParts {
  const src = new Sources(q.notice.cite);
  const open = noticeUndecided(q, [], o, src);
  // a person named (在外地打工可以不交吗): who, and what the notice says for them (可以委托他人在户籍地参保缴费)
  const named = q.identities.length > 0;
  const own = named ? notesAndWarnings(q, o, src, { warnings: true, cover: false, tierChoice: false }) : [];
  const lines = [named ? header(q) : regionHeader(q), ...open, ...own, ...(open.some(isUndecided) ? [askWhom(q)] : [])];
  return { lines, source: sourceLine(q.notice, src) };
}

/** 国家补助多少钱: the notice's 人均财政补助, what it leaves open about it, and the personal fee beside it */
export function fiscalAnswer(q: Quote, o: AnswerOptions): AnswerParts {
  const src = new Sources(q.notice.cite);
  const fs = o.notice.fiscalSubsidy;
  src.add(fs.clause);
  const amounts = o.notice.tiers.map((t) => {
    src.add(t.clause);
    return `${t.name ?? ''}${t.amount}元`;
  });
  const lines = [regionHeader(q), fill(o.messages.fiscal, { text: fs.text }), o.messages.fiscalNote, fill(o.messages.fiscalPersonal, { amounts: amounts.join('，') })];
  if (fs.undecided) lines.push(`${UNDECIDED}：${fs.undecided}`, askWhom(q));
  return { lines, source: sourceLine(q.notice, src) };
}

export function contactAnswer(q: Quote, o: AnswerOptions): AnswerParts {
  const src = new Sources(q.notice.cite);
  src.add(q.contact.clause);
  const lines = [regionHeader(q)];
  if (q.contact.phone) lines.push(contactLine(q));
  else lines.push(o.messages.contactNoPhone, q.contact.text ?? askWhom(q));
  return { lines, source: sourceLine(q.notice, src) };
}

/** for a message the bot cannot place: whom to ask instead */
export function notUnderstoodContacts(notices: Notice[]): string[] {
  return notices.map((n) => {
    const c = n.contact;
    return `${n.region.short}咨询：${c.name}${c.phone ? ` ${c.phone}` : ''}`;
  });
}

/**
 * 等待期多久 / 多久能用, no day of payment said: each payment window of the notice and when its cover starts.
 * `dayAsked`: a note of its own already asks for the day (国庆节, 3月份), so the overview does not ask again.
 */
export function coverOverview(notice: Notice, o: Pick<AnswerOptions, 'messages'>, dayAsked = false): AnswerParts {
  const src = new Sources(notice.notice.cite);
  const m = o.messages;
  const lines = [`【${notice.region.short}·${notice.policyYear}年度】${m.overviewHead}`];
  notice.windows.forEach((w, i) => {
    src.add(w.clause);
    src.add(w.cover.clause);
    const c = w.cover;
    const when = fill(w.to ? m.overviewPaidBetween : m.overviewPaidFrom, { from: cnDate(w.from), to: w.to ? cnDate(w.to) : '' });
    const cover =
      c.kind === 'fixed'
        ? fill(m.overviewFixed, { start: cnDate(c.start), end: cnDate(c.end) })
        : c.kind === 'next-month'
          ? fill(m.overviewNextMonth, { end: cnDate(c.end) })
          : fill(m.overviewWait, { days: String(c.days), end: cnDate(c.end) });
    lines.push(`${i + 1}. ${when}：${cover}`);
    if (c.kind === 'wait' && c.note) lines.push(`   ${c.note}`);
  });
  if (notice.closedAfterLast) {
    src.add(notice.closedAfterLast.clause);
    lines.push(`· ${notice.closedAfterLast.text}`);
  }
  if (!dayAsked) lines.push(m.overviewAsk);
  return { lines, source: sourceLine(notice.notice, src) };
}

/** the notice's ways of paying, numbered (`except`: channel ids left out) */
export function channelsAnswer(notice: Notice, except: string[] = []): AnswerParts {
  const src = new Sources(notice.notice.cite);
  const lines = notice.channels
    .filter((c) => !except.includes(c.id))
    .map((c, i) => {
      src.add(c.clause);
      return `${i + 1}. ${c.name}`;
    });
  return { lines, source: sourceLine(notice.notice, src) };
}

/** 我没有微信 / 不会用支付宝: the notice's other ways of paying, and how to see one's steps */
export function otherChannelsAnswer(notice: Notice, not: { ids: string[]; words: string[] }, o: Pick<AnswerOptions, 'messages'>): AnswerParts {
  const listed = channelsAnswer(notice, not.ids);
  const lines = [`【${notice.region.short}】`, fill(o.messages.otherChannels, { names: not.words.join('、') }), ...listed.lines];
  // the example is the last one listed (the notices list the ways one goes to in person last: 窗口, 银行, 村里的POS机)
  const last = notice.channels.filter((c) => !not.ids.includes(c.id)).at(-1);
  if (last) lines.push(fill(o.messages.otherChannelsSteps, { first: last.aliases[0] ?? last.name }));
  return { lines, source: listed.source };
}

/** 现金 / 银行柜台 where the notice lists no such way of paying: not listed, undecided, the ways it lists, whom to ask */
export function unlistedMeansAnswer(notice: Notice, words: string[], o: Pick<AnswerOptions, 'messages'>): AnswerParts {
  const listed = channelsAnswer(notice);
  const lines = [
    `【${notice.region.short}】`,
    fill(o.messages.unlistedMeans, { means: words.map((w) => `“${w}”`).join('、') }),
    o.messages.listedMeans,
    ...listed.lines,
    askWhom({ contact: notice.contact, region: notice.region }),
  ];
  return { lines, source: listed.source };
}

export function channelSteps(notice: Notice, c: Channel): AnswerParts {
  const src = new Sources(notice.notice.cite);
  src.add(c.clause);
  const lines = [`【${c.name}】`];
  if (c.steps.length) lines.push(...c.steps.map((s, i) => `${i + 1}. ${s}`));
  else lines.push(`操作步骤：${UNDECIDED}。${notice.channelStepsUndecided ?? ''}`);
  const reg = notice.registration.new[0];
  if (reg) {
    src.add(reg.clause);
    lines.push(`新参保的：${reg.text}`);
  }
  return { lines, source: sourceLine(notice.notice, src) };
}

export function registerAnswer(q: Quote, o: AnswerOptions): AnswerParts {
  return composeAnswer(q, ['register'], { ...o, dateRead: false });
}
