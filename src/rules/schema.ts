import { z } from 'zod';

/** A calendar date as written in the rule files: 2024-02-29 (YAML may hand us a Date). */
export const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期要写成 YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '不是有效日期'),
);

/** The clause of the notice a value comes from, e.g. 二（二）2, or 无 where the notice is silent. */
const clause = z.string().min(1, '每个值都要注明条款');
const money = z.number().int().nonnegative();
const cited = z.object({ text: z.string().min(1), clause }).strict();

/** Facts about a situation that a case of a treatment may depend on. */
export const FACTS = ['studyInProvince', 'insuredAtSchool', 'newStudent', 'localHukou', 'residencePermit'] as const;
export type FactName = (typeof FACTS)[number];

const feeRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standard') }).strict(), // pays the region's standard (by tier)
  z.object({ kind: z.literal('full') }).strict(), // 全额资助: pays nothing
  z.object({ kind: z.literal('subsidy'), amount: money }).strict(), // 定额资助: standard minus amount
  z.object({ kind: z.literal('own'), tiers: z.record(z.string(), money) }).strict(), // its own standard by tier
  z.object({ kind: z.literal('undecided'), text: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('none') }).strict(), // not a fee question (e.g. 职工医保)
]);

const enrolRule = z
  .object({
    status: z.enum(['elsewhere', 'not-eligible', 'undecided']),
    text: z.string().min(1),
    clause,
  })
  .strict();

const coverOverride = z.object({ kind: z.literal('undecided'), text: z.string().min(1) }).strict();

/**
 * 大学新生 who pay at 入学 for the next year (桂阳 二（二）): covered from the day after payment (`start` names it) to
 * `end`, for payments from paidFrom to paidTo; `if`: the facts the rule needs (在渝高校); `outside`: what the fee is
 * for a payment after paidTo (a later 入学, for a year this notice does not set); `label`: how answers name the payment.
 */
const freshmanCover = z
  .object({
    clause,
    if: z.partialRecord(z.enum(FACTS), z.boolean()),
    paidFrom: isoDate,
    paidTo: isoDate,
    end: isoDate,
    label: z.string().min(1),
    start: z.string().min(1),
    text: z.string().min(1),
    outside: z.string().min(1),
    notes: z.array(cited).optional(),
  })
  .strict();

const treatmentCore = {
  clause,
  fee: feeRule,
  enrol: enrolRule.optional(),
  cover: coverOverride.optional(),
  notes: z.array(cited).optional(),
  warnings: z.array(cited).optional(),
  /** whether the late surcharge of the region applies to this identity; 'undecided' when the notice does not say */
  lateFee: z.literal('undecided').optional(),
  freshmanCover: freshmanCover.optional(),
};

const treatmentCase = z
  .object({
    if: z.partialRecord(z.enum(FACTS), z.boolean()),
    /** only applies when the resident said so; an unknown fact does not make the bot ask */
    onlyIfStated: z.boolean().optional(),
    /** notes add to the base's; warnings, when a case lists them (even none), replace the base's */
    ...treatmentCore,
  })
  .strict();

const treatment = z
  .object({
    /** the notice's own name for this category (e.g. 方太乡's 「六类对象」), shown instead of the catalogue's plain description */
    name: z.string().min(1).optional(),
    /**
     * identities this rule also decides for when a person holds both (方太乡 二（一）「持居住证参加当地居民医保的」 is a
     * 外地户口 resident with a permit): the covered one is then left out, not weighed as a separate, undecided identity
     */
    covers: z.array(z.string().min(1)).optional(),
    ...treatmentCore,
    cases: z.array(treatmentCase).optional(),
  })
  .strict();
export type Treatment = z.infer<typeof treatment>;
export type TreatmentCase = z.infer<typeof treatmentCase>;
export type FeeRule = z.infer<typeof feeRule>;

const coverRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), start: isoDate, end: isoDate, clause }).strict(),
  z.object({ kind: z.literal('next-month'), end: isoDate, clause }).strict(),
  z.object({ kind: z.literal('wait'), days: z.number().int().positive(), end: isoDate, clause, note: z.string().optional() }).strict(),
]);
export type CoverRule = z.infer<typeof coverRule>;

const paymentWindow = z
  .object({
    id: z.string().min(1),
    label: z.string().min(1),
    from: isoDate,
    to: isoDate.nullable(),
    toUndecided: z.string().optional(),
    clause,
    voluntary: z.boolean().optional(),
    cover: coverRule,
  })
  .strict()
  .refine((w) => w.to !== null || !!w.toUndecided, { message: '没有截止日期（to: null）时要用 toUndecided 说明通知没写什么', path: ['toUndecided'] })
  .refine((w) => w.to === null || w.from <= w.to, { message: '开始日期晚于截止日期', path: ['to'] });
export type PaymentWindow = z.infer<typeof paymentWindow>;

/** a term of the village task count (方太乡 三) and the words cadres type for it */
const taskTerm = z.object({ key: z.string().min(1), label: z.string().min(1), words: z.array(z.string().min(1)).min(1) }).strict();

const channel = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)),
    clause,
    steps: z.array(z.string().min(1)),
    /** paid in person, no phone needed (窗口, 银行柜面, 村里的POS机): what one who cannot use a phone is told */
    inPerson: z.boolean().optional(),
  })
  .strict();
export type Channel = z.infer<typeof channel>;

export const noticeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'id 只用小写字母、数字和连字符'),
    notice: z
      .object({
        title: z.string().min(1),
        issuer: z.string().min(1),
        number: z.string().nullable(),
        date: isoDate.nullable(),
        /** how the source line names the notice: 「垫桂阳街道发〔2023〕70号 二（四）」 */
        cite: z.string().min(1),
        source: z.string().min(1),
        draft: z.boolean(),
      })
      .strict(),
    region: z
      .object({
        name: z.string().min(1),
        short: z.string().min(1),
        province: z.string().min(1),
        /** short names of the province residents use (重庆、渝): 在渝高校 */
        provinceNames: z.array(z.string().min(1)).min(1),
        city: z.string().nullable(),
        county: z.string().min(1),
        township: z.string().min(1),
        aliases: z.array(z.string().min(1)).min(1),
        broader: z.array(z.string().min(1)),
        /** the office a resident goes to: 村委会, 村（社区） */
        office: z.string().min(1),
      })
      .strict(),
    policyYear: z.number().int().min(2000).max(2100),
    contact: z
      .object({ name: z.string().min(1), phone: z.string().nullable(), clause, text: z.string().optional() })
      .strict(),
    /** how the notice's date wording is computed; quoted when the answer used it */
    conventions: z.array(z.object({ topic: z.enum(['wait', 'newborn', 'closing', 'late', 'multiple']), text: z.string().min(1), clause }).strict()),
    tiers: z
      .array(z.object({ id: z.number().int().positive(), name: z.string().nullable(), amount: money, clause }).strict())
      .min(1),
    tierChoice: cited.optional(),
    // the notice's 人均财政补助 (shown when asked: 国家补助多少); undecided: what it leaves open (桂阳: only 2023's is given)
    fiscalSubsidy: z.object({ amount: money, clause, text: z.string(), undecided: z.string().min(1).optional() }).strict(),
    multipleIdentities: z.object({ rule: z.literal('highest'), clause }).strict().nullable(),
    windows: z.array(paymentWindow).min(1),
    closedAfterLast: cited.optional(),
    // amount: what is added to the personal fee after paidAfter; null when the notice names the addition but not its
    // amount (桂阳: 「+2024年财政补助」), and then the fee after that day is 「通知未明确」 with `text` saying why
    // label: what ends on paidAfter, as the deadline reminders name it
    lateSurcharge: z
      .object({ paidAfter: isoDate, amount: money.nullable(), clause, text: z.string(), label: z.string().min(1) })
      .strict()
      .nullable(),
    lateSurchargeUndecided: z.string().optional(),
    identities: z.record(z.string(), treatment),
    students: z.object({ college: cited.optional() }).strict(),
    newborns: z
      .object({ clause, bornFrom: isoDate, bornTo: isoDate, withinDays: z.number().int().positive(), text: z.string() })
      .strict()
      .nullable(),
    newbornsUndecided: z.string().min(1),
    registration: z
      .object({
        new: z.array(cited),
        interrupted: z.array(cited),
        interruptedUndecided: z.string().optional(),
        rules: z.array(cited),
      })
      .strict(),
    channels: z.array(channel).min(1),
    channelStepsUndecided: z.string().optional(),
    taskCount: z
      .object({
        clause,
        base: taskTerm,
        minus: z.array(taskTerm).min(1),
        note: z.string(),
      })
      .strict()
      .nullable(),
    /**
     * questions the notice leaves open (asked with flows/chat.yaml words.undecided); `clause`: what it does say nearby;
     * `says`: that, in words, shown before the 「通知未明确」 line (按年缴费: every year, yes; next year's amount, open);
     * `says` alone: the notice does answer it (方太乡 一档二档的区别: there is one standard only)
     */
    undecided: z.array(
      z
        .object({ topic: z.string(), text: z.string().min(1).optional(), says: z.string().min(1).optional(), clause: clause.optional() })
        .strict()
        .refine((u) => u.text !== undefined || u.says !== undefined, { message: '要写 text（通知没写什么）或 says（通知写了什么）', path: ['text'] }),
    ),
  })
  .strict()
  .superRefine((n, ctx) => {
    const ids = n.tiers.map((t) => String(t.id));
    if (n.tiers.length > 1 && n.tiers.some((t) => !t.name)) {
      ctx.addIssue({ code: 'custom', path: ['tiers'], message: '有多个档次时每档都要有名字（一档、二档）' });
    }
    for (const [id, t] of Object.entries(n.identities)) {
      for (const [i, c] of [t, ...(t.cases ?? [])].entries()) {
        if (c.fee.kind === 'own') {
          for (const tid of ids) {
            if (!(tid in c.fee.tiers)) {
              ctx.addIssue({ code: 'custom', path: ['identities', id, ...(i ? ['cases', i - 1] : []), 'fee', 'tiers'], message: `缺少第${tid}档的金额` });
            }
          }
        }
      }
    }
    if (n.windows.some((w, i) => i > 0 && n.windows[i - 1]!.to !== null && n.windows[i - 1]!.to! >= w.from)) {
      ctx.addIssue({ code: 'custom', path: ['windows'], message: '缴费时段要按时间先后排列且不重叠' });
    }
    if (n.channelStepsUndecided === undefined && n.channels.some((c) => c.steps.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['channelStepsUndecided'], message: '有渠道没有步骤时，要写明通知没写步骤（channelStepsUndecided）' });
    }
  });

export type Notice = z.infer<typeof noticeSchema>;

export const catalogueSchema = z
  .object({
    identities: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9_]+$/),
            name: z.string().min(1),
            aliases: z.array(z.string().min(1)).min(1),
            /** a resident who states an age at or over this (「70多岁」) belongs to this category by age alone */
            fromAge: z.number().int().positive().optional(),
            /** someone of this category who states an age at or over `from` belongs to category `id` (烈士子女, 65岁) */
            atAge: z.object({ from: z.number().int().positive(), id: z.string() }).strict().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Catalogue = z.infer<typeof catalogueSchema>;
