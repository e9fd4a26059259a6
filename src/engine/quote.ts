import type { RuleSet } from '../rules/load.ts';
import type { Channel, FactName, FeeRule, Notice, PaymentWindow, Treatment, TreatmentCase } from '../rules/schema.ts';
import { addDays, cnDate, compare, firstOfNextMonth, type IsoDate } from './dates.ts';

/** What we know about one resident. Unknown things are simply absent. */
export interface Situation {
  region: string;
  identities: string[];
  tier?: number;
  /** the day of payment; defaults to today */
  paidOn?: IsoDate;
  /** paidOn is the first day of a month said without its day (7月份交): the answer names the month */
  paidMonth?: boolean;
  bornOn?: IsoDate;
  /** the year of birth, when the day is not known (孩子2023年11月出生) */
  bornYear?: number;
  facts?: Partial<Record<FactName, boolean>>;
  history?: 'new' | 'interrupted' | 'continuing';
  today: IsoDate;
}

/** A statement and the clause of the notice it comes from ('无' where the notice says nothing). */
export interface Cited {
  text: string;
  clause: string;
}

export interface TierAmount {
  tier: number;
  tierName: string | null;
  amount: number;
  /** how the amount is made up, e.g. 「个人缴费标准N元 − 定额资助M元」 (wording only; the numbers come from rules/) */
  parts: string;
  clause: string;
}

export type FeeResult =
  | { status: 'decided'; amounts: TierAmount[]; late: boolean }
  /** standard: what this person pays by the notice before the part it leaves open (their own tier amounts); may be empty */
  | { status: 'undecided'; text: string; standard: TierAmount[] }
  | { status: 'none'; text: string };

export type EnrolResult = { status: 'here' } | { status: 'elsewhere' | 'not-eligible' | 'undecided'; text: string; clause: string };

export type WindowStatus =
  | { status: 'in'; window: PaymentWindow; latest: Cited | null; latestUndecided?: string }
  | { status: 'before'; first: PaymentWindow }
  | { status: 'closed'; text: string; clause: string; lastDay: IsoDate }
  | { status: 'after-year'; text: string }
  | { status: 'undecided'; text: string }
  /** a rule of its own decides when to pay (大学新生入学时); text: its label */
  | { status: 'special'; text: string; clause: string; general?: PaymentWindow };

export type CoverResult =
  | { status: 'decided'; start: IsoDate; end: IsoDate; waitDays: number | null; reason: string; clause: string; startReason: string }
  /**
   * the notice's rule without a day to count from (大学新生: 「完成缴费的次日」 when the payment day is not known):
   * from `from` until `end`; end null when the notice does not set it for this payment (then `text` says the rule)
   */
  | { status: 'rule'; from: string; end: IsoDate | null; text: string; clause: string }
  | { status: 'none'; text: string; clause: string }
  | { status: 'undecided'; text: string };

export interface IdentityDecision {
  /** the identity whose treatment sets the fee, under 就高原则 */
  winner: { id: string; name: string } | null;
  /** the others the person also holds, with why they did not set the fee */
  /** `open`: the notice does not say what this one gives, so it might give more than the winner */
  others: { id: string; name: string; why: string; open?: boolean }[];
  clause: string | null;
}

export interface Quote {
  region: { id: string; name: string; short: string; office: string };
  notice: { cite: string; title: string; issuer: string; draft: boolean; policyYear: number };
  situation: Situation;
  identities: { id: string; name: string }[];
  paidOn: IsoDate;
  paidOnIsToday: boolean;
  enrol: EnrolResult;
  fee: FeeResult;
  /**
   * paying on that day costs more than the personal fee (桂阳 二（四）: after 2024年6月30日 the personal fee plus the
   * fiscal subsidy): the rules' words, for answers that do not show the fee (还能交吗); amount null when not given
   */
  surcharge: (Cited & { amount: number | null }) | null;
  decision: IdentityDecision | null;
  window: WindowStatus;
  windows: PaymentWindow[];
  cover: CoverResult;
  newborn: { deadline: IsoDate; withinDays: number; clause: string; text: string } | { undecided: string } | null;
  firstSteps: { when: 'new' | 'interrupted'; steps: Cited[]; undecided?: string }[];
  registrationRules: Cited[];
  channels: Channel[];
  channelStepsUndecided?: string;
  contact: Notice['contact'];
  notes: Cited[];
  warnings: Cited[];
  /** questions the notice leaves open for this situation; the reply says 「通知未明确」 and whom to ask */
  undecided: string[];
  /** facts that would change this answer, for the dialogue to ask */
  missing: (FactName | 'bornOn' | 'tier')[];
  /** the answer is computed under the conventions written in the rules file; 以经办机构核定为准 */
  conventions: Notice['conventions'];
}

export class EngineError extends Error {}

interface Resolved {
  id: string;
  name: string;
  t: Treatment;
  pending: FactName[];
}

const NONE_CLAUSE = '无';
/** the enrolment result that wins when identities disagree */
const ENROL_RANK = { 'not-eligible': 3, elsewhere: 2, undecided: 1 } as const;

/**
 * A treatment with every field present, always in this order (undefined where the rules leave one out). The rules
 * give each identity only the fields it needs, so their objects come in many shapes; quote() reads these copies
 * (built once per rules object), all of one shape, which keeps its property reads simple for the optimiser.
 */
function sameShape(t: Treatment): Treatment {
  return {
    clause: t.clause,
    fee: t.fee,
    enrol: t.enrol,
    cover: t.cover,
    notes: t.notes,
    warnings: t.warnings,
    lateFee: t.lateFee,
    freshmanCover: t.freshmanCover,
    cases: t.cases,
  };
}
const baseTreatments = new WeakMap<Treatment, Treatment>();
function baseTreatment(base: Treatment): Treatment {
  let t = baseTreatments.get(base);
  if (!t) baseTreatments.set(base, (t = sameShape(base)));
  return t;
}

/** A case of an identity's treatment, read once per rules: its conditions, and the treatment it makes of the base. */
interface CaseTable {
  conds: [FactName, boolean][];
  merged: Treatment;
}
const caseTables = new WeakMap<TreatmentCase, CaseTable>();

function caseTable(base: Treatment, c: TreatmentCase): CaseTable {
  let ct = caseTables.get(c);
  if (!ct) {
    const { if: _if, onlyIfStated: _o, ...rest } = c;
    ct = {
      conds: Object.entries(c.if) as [FactName, boolean][],
      merged: sameShape({
        ...base,
        ...rest,
        notes: [...(base.notes ?? []), ...(rest.notes ?? [])],
        // a case that lists warnings says which hold (学校没交的: no 重复缴费 warning); else the base's, and none of its own
        warnings: rest.warnings ?? base.warnings ?? [],
      }),
    };
    caseTables.set(c, ct);
  }
  return ct;
}

/** an identity's treatment while a fact it depends on is not known yet (built once per treatment) */
const pendingTreatments = new WeakMap<Treatment, Treatment>();
function pendingTreatment(base: Treatment): Treatment {
  let t = pendingTreatments.get(base);
  if (!t) {
    t = sameShape({ ...base, fee: { kind: 'undecided', text: '还需要了解情况' } });
    pendingTreatments.set(base, t);
  }
  return t;
}

function resolveTreatment(notice: Notice, id: string, name: string, facts: Situation['facts']): Resolved {
  const base = notice.identities[id];
  if (!base) {
    return {
      id,
      name,
      pending: [],
      t: sameShape({ clause: NONE_CLAUSE, fee: { kind: 'undecided', text: `通知没有提到“${name}”的参保缴费办法` } }),
    };
  }
  for (const c of base.cases ?? []) {
    const { conds, merged } = caseTable(base, c);
    const unknown = conds.filter(([f]) => facts?.[f] === undefined).map(([f]) => f);
    if (unknown.length) {
      if (c.onlyIfStated) continue;
      return { id, name, pending: unknown, t: pendingTreatment(base) };
    }
    if (conds.every(([f, v]) => facts?.[f] === v)) return { id, name, pending: [], t: merged };
  }
  return { id, name, pending: [], t: baseTreatment(base) };
}

function windowFor(notice: Notice, paidOn: IsoDate): WindowStatus {
  const ws = notice.windows;
  const first = ws[0]!;
  if (compare(paidOn, first.from) < 0) return { status: 'before', first };
  for (const w of ws) {
    if (compare(paidOn, w.from) >= 0 && (w.to === null || compare(paidOn, w.to) <= 0)) {
      if (w.to === null && compare(paidOn, w.cover.end) > 0) {
        return {
          status: 'after-year',
          text: `${notice.policyYear}年度待遇期已经结束，之后缴费怎么办理，这份${notice.policyYear}年度的通知没有写`,
        };
      }
      const last = ws[ws.length - 1]!;
      const latest = last.to ? { text: last.to, clause: last.clause } : null;
      return { status: 'in', window: w, latest, latestUndecided: last.to ? undefined : last.toUndecided };
    }
  }
  const last = ws[ws.length - 1]!;
  if (notice.closedAfterLast) {
    return { status: 'closed', text: notice.closedAfterLast.text, clause: notice.closedAfterLast.clause, lastDay: last.to! };
  }
  return { status: 'undecided', text: `通知没有写${cnDate(last.to!)}以后还能不能缴费` };
}

function tierAmounts(notice: Notice, tier: number | undefined) {
  return tier === undefined ? notice.tiers : notice.tiers.filter((t) => t.id === tier);
}

/** the standard amount of each tier (or of the one tier asked): rules data, built once per notice and tier */
const standardOf = new WeakMap<Notice, Map<number | undefined, TierAmount[]>>();
function standardAmounts(notice: Notice, tier: number | undefined): TierAmount[] {
  let byTier = standardOf.get(notice);
  if (!byTier) standardOf.set(notice, (byTier = new Map()));
  let amounts = byTier.get(tier);
  if (!amounts) {
    amounts = tierAmounts(notice, tier).map((t) => ({
      tier: t.id,
      tierName: t.name,
      amount: t.amount,
      parts: `个人缴费标准${t.amount}元`,
      clause: t.clause,
    }));
    byTier.set(tier, amounts);
  }
  return amounts;
}

/** fee of one identity for one tier, or null when that identity does not decide it */
function feeFor(rule: FeeRule, standard: number, tierId: number): { amount: number; parts: string } | null {
  switch (rule.kind) {
    case 'full':
      return { amount: 0, parts: `全额资助，个人不缴费` };
    case 'subsidy':
      return {
        amount: Math.max(0, standard - rule.amount),
        parts: `个人缴费标准${standard}元 − 定额资助${rule.amount}元`,
      };
    case 'own': {
      const a = rule.tiers[String(tierId)]!;
      return { amount: a, parts: `本类人员个人缴费标准${a}元` };
    }
    default:
      return null;
  }
}

function isSpecial(rule: FeeRule) {
  return rule.kind !== 'standard' && rule.kind !== 'none';
}

/** 1. enrol here or not: the identity that sends the person furthest away wins */
function enrolOf(resolved: Resolved[]): EnrolResult {
  let enrol: EnrolResult = { status: 'here' };
  for (const r of resolved) {
    const e = r.t.enrol;
    if (e && (enrol.status === 'here' || ENROL_RANK[e.status] > ENROL_RANK[enrol.status])) enrol = { ...e };
  }
  return enrol;
}

/** 3. newborn deadline (a birthday still to ask goes into `missing`) */
function newbornOf(notice: Notice, s: Situation, ids: string[], missing: Set<Quote['missing'][number]>): Quote['newborn'] {
  if (!ids.includes('newborn')) return null;
  const nb = notice.newborns;
  if (!nb) return { undecided: notice.newbornsUndecided };
  if (!s.bornOn) {
    // born in a year the notice's newborn rule does not cover: no day to ask for
    if (s.bornYear !== undefined && (s.bornYear < Number(nb.bornFrom.slice(0, 4)) || s.bornYear > Number(nb.bornTo.slice(0, 4)))) {
      return { undecided: notice.newbornsUndecided };
    }
    missing.add('bornOn');
    return null;
  }
  if (compare(s.bornOn, nb.bornFrom) >= 0 && compare(s.bornOn, nb.bornTo) <= 0) {
    return { deadline: addDays(s.bornOn, nb.withinDays - 1), withinDays: nb.withinDays, clause: nb.clause, text: nb.text };
  }
  return { undecided: notice.newbornsUndecided };
}

/** 5. fee, before any late surcharge; what the notice leaves open for a second identity goes into `undecided` */
function feeOf(
  notice: Notice,
  s: Situation,
  resolved: Resolved[],
  special: Resolved[],
  missing: Set<Quote['missing'][number]>,
  enrol: EnrolResult,
  window: WindowStatus,
  standard: TierAmount[],
  undecided: string[],
): { fee: FeeResult; decision: IdentityDecision | null } {
  const noneFee = resolved.find((r) => r.t.fee.kind === 'none');
  const inWindow = window.status === 'in' || window.status === 'before' || window.status === 'special';
  if (enrol.status !== 'here' && noneFee) return { fee: { status: 'none', text: enrol.text }, decision: null };
  if (!inWindow && window.status !== 'undecided') {
    return { fee: { status: 'none', text: window.status === 'closed' ? window.text : (window as { text: string }).text }, decision: null };
  }
  if (missing.size && special.some((r) => r.pending.length)) {
    return { fee: { status: 'undecided', text: '还需要了解情况才能算', standard }, decision: null };
  }
  if (special.length === 0) return { fee: { status: 'decided', amounts: standard, late: false }, decision: null };
  return specialFee(notice, s, special, standard, undecided);
}

/** the fee of someone with identities of their own fee rule: the one that pays least, under 就高原则 */
function specialFee(
  notice: Notice,
  s: Situation,
  special: Resolved[],
  standard: TierAmount[],
  undecided: string[],
): { fee: FeeResult; decision: IdentityDecision | null } {
  const decided = special.filter((r) => r.t.fee.kind !== 'undecided');
  const open = special.filter((r) => r.t.fee.kind === 'undecided');
  const rule = notice.multipleIdentities;
  if (decided.length === 0) {
    for (const o of open.slice(1)) undecided.push(`${o.name}：${(o.t.fee as { text: string }).text}`);
    return { fee: { status: 'undecided', text: (open[0]!.t.fee as { text: string }).text, standard }, decision: null };
  }
  const perTier = tierAmounts(notice, s.tier).map((t) => {
    const options = decided.map((r) => ({ r, f: feeFor(r.t.fee, t.amount, t.id)! }));
    options.sort((a, b) => a.f.amount - b.f.amount);
    return { t, options };
  });
  const amountsDiffer = new Set(perTier[0]!.options.map((o) => o.f.amount)).size > 1;
  if (!rule && (open.length || amountsDiffer)) {
    // a category with a standard of its own (在渝高校大学生): that is this person's standard, not the general one
    const own = !amountsDiffer && perTier.every((p) => p.options.every((o) => o.f.parts.startsWith('本类')));
    return {
      fee: {
        status: 'undecided',
        text: open.length ? (open[0]!.t.fee as { text: string }).text : `通知没有写同时属于${decided.map((d) => d.name).join('和')}的怎么计算`,
        standard: own
          ? perTier.map(({ t, options }) => ({ tier: t.id, tierName: t.name, amount: options[0]!.f.amount, parts: options[0]!.f.parts, clause: options[0]!.r.t.clause }))
          : standard,
      },
      decision: null,
    };
  }
  const best = perTier[0]!.options[0]!.r;
  const fee: FeeResult = {
    status: 'decided',
    late: false,
    amounts: perTier.map(({ t, options }) => ({
      tier: t.id,
      tierName: t.name,
      amount: options[0]!.f.amount,
      parts: options[0]!.f.parts,
      clause: best.t.clause,
    })),
  };
  if (!(special.length > 1 && rule)) return { fee, decision: null };
  const bestAmount = perTier[0]!.options[0]!.f.amount;
  const decision: IdentityDecision = {
    winner: { id: best.id, name: best.name },
    others: [
      ...decided
        .filter((d) => d !== best)
        .map((d) => ({
          id: d.id,
          name: d.name,
          why: `按这个身份要交${perTier[0]!.options.find((o) => o.r === d)!.f.amount}元，资助较少`,
        })),
      ...open.map((o) => ({
        id: o.id,
        name: o.name,
        why: bestAmount === 0 ? '已全额资助，不会更少' : `${(o.t.fee as { text: string }).text}；如果资助更多，按就高原则执行`,
        ...(bestAmount === 0 ? {} : { open: true }),
      })),
    ],
    clause: rule.clause,
  };
  return { fee, decision };
}

/**
 * late surcharge: this person's own fee plus the fiscal subsidy. When the notice does not give the subsidy's amount,
 * or does not say how the surcharge applies to one of the person's identities, the fee is undecided, and the standard
 * shown beside it is the person's own (an identity with its own tier amounts in rules/), not the general one.
 */
function lateFee(
  ls: NonNullable<Notice['lateSurcharge']>,
  fee: FeeResult & { status: 'decided' },
  resolved: Resolved[],
  special: Resolved[],
): FeeResult {
  const amount = ls.amount;
  const unsure = resolved.filter((r) => r.t.lateFee === 'undecided' || special.includes(r));
  if (amount === null || unsure.length) {
    // (a newborn paying within its 90 days is not late for a personal reason, and the notice does not say it pays this)
    const why = unsure.length ? `；通知没有写${unsure.map((n) => n.name).join('、')}在${cnDate(ls.paidAfter)}以后缴费时是否也这样算` : '';
    return { status: 'undecided', text: `${ls.text}${why}`, standard: fee.amounts };
  }
  return {
    status: 'decided',
    late: true,
    amounts: fee.amounts.map((a) => ({
      ...a,
      amount: a.amount + amount,
      parts: `${a.tierName ?? ''}${a.amount}元 + 财政补助${amount}元`,
      clause: ls.clause,
    })),
  };
}

/**
 * 4. 大学新生 (桂阳 二（二）): the rule applies when the facts it names hold (在渝高校), whether or not the student
 * enrolled at school. 'in': paid in the year it covers (2023, for 2024); 'next': paid later, at a later 入学, for a year
 * this notice does not set (2025); null: the rule does not apply. A fact it needs that is not known goes into `missing`.
 */
interface Freshman {
  fc: NonNullable<Treatment['freshmanCover']>;
  when: 'in' | 'next';
}
function freshmanOf(resolved: Resolved[], s: Situation, paidOn: IsoDate, missing: Set<Quote['missing'][number]>): Freshman | null {
  const r = resolved.find((x) => x.t.freshmanCover && x.pending.length === 0);
  const fc = r?.t.freshmanCover;
  if (!fc) return null;
  const conds = Object.entries(fc.if) as [FactName, boolean][];
  const unknown = conds.filter(([f]) => s.facts?.[f] === undefined);
  if (unknown.length) {
    for (const [f] of unknown) missing.add(f);
    return null;
  }
  if (!conds.every(([f, v]) => s.facts?.[f] === v)) return null;
  if (compare(paidOn, fc.paidFrom) < 0) return null;
  return { fc, when: compare(paidOn, fc.paidTo) <= 0 ? 'in' : 'next' };
}

/** the cover the freshman rule gives: counted from the payment day only when the resident said it */
function freshmanCover({ fc, when }: Freshman, s: Situation): CoverResult {
  if (when === 'next') return { status: 'rule', from: fc.start, end: null, text: fc.text, clause: fc.clause };
  if (s.paidOn === undefined) return { status: 'rule', from: fc.start, end: fc.end, text: fc.text, clause: fc.clause };
  return { status: 'decided', start: addDays(s.paidOn, 1), end: fc.end, waitDays: null, reason: fc.text, startReason: fc.start, clause: fc.clause };
}

/** 6. cover: from when the person is covered, and until when */
function coverOf(
  resolved: Resolved[],
  enrol: EnrolResult,
  freshman: Freshman | null,
  s: Situation,
  window: WindowStatus,
  paidOn: IsoDate,
  notes: Cited[],
): CoverResult {
  const coverOverride = resolved.find((r) => r.t.cover)?.t.cover;
  // 二（二） gives the cover of a 在渝高校 freshman also when the school enrolled them (not in this township)
  if (freshman) return freshmanCover(freshman, s);
  if (enrol.status === 'elsewhere' || enrol.status === 'not-eligible') return { status: 'none', text: enrol.text, clause: enrol.clause };
  // whether the person can enrol here at all is open: so is when their cover would start
  if (enrol.status === 'undecided') return { status: 'undecided', text: enrol.text };
  if (coverOverride) return { status: 'undecided', text: coverOverride.text };
  if (window.status === 'before') return { status: 'undecided', text: `通知没有写${window.first.label}开始前缴费怎么算` };
  if (window.status === 'in') return windowCover(window.window, paidOn, notes);
  return { status: 'none', text: (window as { text: string }).text, clause: 'clause' in window ? window.clause : NONE_CLAUSE };
}

/** the cover of a payment in a window (a waiting period's note goes into `notes`) */
function windowCover(w: PaymentWindow, paidOn: IsoDate, notes: Cited[]): CoverResult {
  const c = w.cover;
  if (c.kind === 'fixed') {
    return { status: 'decided', start: c.start, end: c.end, waitDays: null, reason: `在${w.label}内缴费`, startReason: '', clause: c.clause };
  }
  if (c.kind === 'next-month') {
    return {
      status: 'decided',
      start: firstOfNextMonth(paidOn),
      end: c.end,
      waitDays: null,
      reason: `在${w.label}缴费，从缴清费用的次月1日起享受待遇`,
      startReason: '缴清费用的次月1日',
      clause: c.clause,
    };
  }
  const start = addDays(paidOn, c.days);
  const cover: CoverResult =
    compare(start, c.end) > 0
      ? {
          status: 'none',
          text: `缴费后要等${c.days}天才能享受待遇，等待期结束已经过了${cnDate(c.end)}，这一年享受不到待遇`,
          clause: c.clause,
        }
      : {
          status: 'decided',
          start,
          end: c.end,
          waitDays: c.days,
          reason: `在${w.label}缴费，有${c.days}天待遇等待期`,
          startReason: `缴费之日起满${c.days}日后`,
          clause: c.clause,
        };
  if (c.note) notes.push({ text: c.note, clause: c.clause });
  return cover;
}

/** 7. what to do first */
function firstStepsOf(notice: Notice, s: Situation, enrol: EnrolResult): Quote['firstSteps'] {
  const reg = notice.registration;
  const firstSteps: Quote['firstSteps'] = [];
  if (enrol.status === 'here' || enrol.status === 'undecided') {
    if (s.history !== 'continuing' && s.history !== 'interrupted') firstSteps.push({ when: 'new', steps: reg.new });
    if (s.history !== 'continuing' && s.history !== 'new') {
      firstSteps.push({ when: 'interrupted', steps: reg.interrupted, undecided: reg.interrupted.length ? undefined : reg.interruptedUndecided });
    }
  }
  return firstSteps;
}

/** Everything the notice says about one resident's situation, in the steps above. */
export function quote(rules: RuleSet, s: Situation): Quote {
  const notice = rules.byId.get(s.region);
  if (!notice) throw new EngineError(`没有这个地区的规则：${s.region}`);
  if (s.tier !== undefined && !notice.tiers.some((t) => t.id === s.tier)) {
    throw new EngineError(`${notice.region.short}没有第${s.tier}档`);
  }
  // a baby not yet born cannot be paid for today: from its birthday at the earliest
  const paidOn = s.paidOn ?? (s.bornOn && compare(s.bornOn, s.today) > 0 ? s.bornOn : s.today);
  const held = [...new Set(s.identities)];
  const covered = new Set(held.flatMap((id) => notice.identities[id]?.covers ?? []));
  const ids = held.filter((id) => !covered.has(id));
  const named = ids.map((id) => ({ id, name: notice.identities[id]?.name ?? rules.identities.get(id)?.name ?? id }));
  const resolved = named.map((i) => resolveTreatment(notice, i.id, i.name, s.facts));
  const missing = new Set<Quote['missing'][number]>();
  for (const r of resolved) for (const f of r.pending) missing.add(f);
  const notes: Cited[] = [];
  const warnings: Cited[] = [];
  const undecided: string[] = [];
  for (const r of resolved) {
    notes.push(...(r.t.notes ?? []));
    warnings.push(...(r.t.warnings ?? []));
  }
  const hasTiers = notice.tiers.length > 1;
  if (hasTiers && s.tier === undefined) missing.add('tier');

  const enrol = enrolOf(resolved);
  // 2. payment window
  const rawWindow = windowFor(notice, paidOn);
  const newborn = newbornOf(notice, s, ids, missing);

  // 4. freshman cover (a rule of its own that does not follow the payment windows)
  const freshman = freshmanOf(resolved, s, paidOn, missing);
  if (freshman) notes.push(...(freshman.fc.notes ?? []));
  // paid at a later 入学 for a year this notice does not set: no tier to choose from this notice
  if (freshman?.when === 'next') missing.delete('tier');

  let window = rawWindow;
  // the window everyone else pays in today, which the special rule gives no day of its own against
  if (freshman) window = { status: 'special', text: freshman.fc.label, clause: freshman.fc.clause, general: rawWindow.status === 'in' && freshman.when === 'in' ? rawWindow.window : undefined };

  const late = !!notice.lateSurcharge && compare(paidOn, notice.lateSurcharge.paidAfter) > 0;
  const standard = standardAmounts(notice, s.tier);
  const special = resolved.filter((r) => isSpecial(r.t.fee));
  const identityFee = feeOf(notice, s, resolved, special, missing, enrol, window, standard, undecided);
  const decision = identityFee.decision;
  let fee = identityFee.fee;
  // whether the person can enrol here is open (在重庆市外上大学): no standard of this notice is theirs
  if (fee.status === 'undecided' && enrol.status === 'undecided' && fee.standard.length) fee = { ...fee, standard: [] };
  if (freshman?.when === 'next' && fee.status !== 'none') fee = { status: 'undecided', text: freshman.fc.outside, standard: [] };
  else if (late && notice.lateSurcharge && fee.status === 'decided' && !freshman) {
    fee = lateFee(notice.lateSurcharge, fee, resolved, special);
  }
  if (
    !notice.lateSurcharge &&
    notice.lateSurchargeUndecided &&
    window.status === 'in' &&
    window.window !== notice.windows[0] &&
    fee.status === 'decided' &&
    fee.amounts.some((a) => a.amount > 0)
  ) {
    undecided.push(notice.lateSurchargeUndecided);
  }

  const ls = notice.lateSurcharge;
  const surcharge =
    ls && late && window.status === 'in' && enrol.status !== 'elsewhere' && enrol.status !== 'not-eligible'
      ? { text: ls.text, clause: ls.clause, amount: ls.amount }
      : null;

  const cover = coverOf(resolved, enrol, freshman, s, window, paidOn, notes);

  // newborn: the 90-day enrolment may run past the payment windows; the notice does not say how they meet
  if (newborn && 'deadline' in newborn) {
    if (compare(paidOn, newborn.deadline) > 0) {
      undecided.push(`已经超过出生之日起${newborn.withinDays}日内（${cnDate(newborn.deadline)}前）的新生儿独立参保时间，之后怎么参保通知没有写`);
    } else {
      // 8月15日出生: 90 days end after the last day of payment (9月30日), which is then shown beside it
      const lastPay = notice.windows.at(-1)!.to;
      if (lastPay && compare(newborn.deadline, lastPay) > 0 && compare(paidOn, lastPay) <= 0) {
        undecided.push(`出生${newborn.withinDays}日内的期限（${cnDate(newborn.deadline)}）晚于一般缴费截止日期（${cnDate(lastPay)}），${cnDate(lastPay)}以后还能不能交，通知没有写`);
      }
    }
  }
  // within the newborn's days (or a birthday not yet told, which may be), past the general deadline: the notice does
  // not say which of the two counts
  const withinNewbornDays = newborn && 'deadline' in newborn ? compare(paidOn, newborn.deadline) <= 0 : newborn === null && missing.has('bornOn');
  if (withinNewbornDays && window.status !== 'in' && window.status !== 'before') {
    const text = `通知没有写新生儿在出生${notice.newborns!.withinDays}日内参保时，是否受一般缴费截止日期的限制`;
    window = { status: 'undecided', text };
    if (fee.status === 'none') fee = { status: 'undecided', text: '过了一般缴费截止日期以后新生儿怎么交，通知没有写', standard };
  }

  if (window.status === 'undecided' || window.status === 'after-year') undecided.push(window.text);

  const firstSteps = firstStepsOf(notice, s, enrol);
  if (hasTiers && notice.tierChoice) notes.unshift(notice.tierChoice);

  const used = new Set<string>();
  if (cover.status === 'decided' && cover.waitDays) used.add('wait');
  if (newborn && 'deadline' in newborn) used.add('newborn');
  if (late) used.add('late');
  // the last day itself (桂阳 「9月30日前完清」 may not include 9月30日): the answer rests on the reading in rules/
  const lastDay = notice.windows[notice.windows.length - 1]!.to;
  if (window.status === 'closed' || (window.status === 'in' && notice.closedAfterLast && paidOn === lastDay)) used.add('closing');
  if (decision) used.add('multiple');
  const usedConventions = notice.conventions.filter((c) => used.has(c.topic));

  return {
    region: { id: notice.id, name: notice.region.name, short: notice.region.short, office: notice.region.office },
    notice: {
      cite: notice.notice.cite,
      title: notice.notice.title,
      issuer: notice.notice.issuer,
      draft: notice.notice.draft,
      policyYear: notice.policyYear,
    },
    situation: s,
    identities: named,
    paidOn,
    paidOnIsToday: s.paidOn === undefined && paidOn === s.today,
    enrol,
    fee,
    surcharge,
    decision,
    window,
    windows: notice.windows,
    cover,
    newborn,
    firstSteps,
    registrationRules: notice.registration.rules,
    channels: notice.channels,
    channelStepsUndecided: notice.channelStepsUndecided,
    contact: notice.contact,
    notes,
    warnings,
    undecided,
    missing: [...missing],
    conventions: usedConventions,
  };
}
