import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { FLOWS_DIR } from '../paths.ts';

export const DEFAULT_FLOWS_DIR = FLOWS_DIR;

const choice = z.object({ label: z.string().min(1), value: z.union([z.string(), z.boolean(), z.array(z.string())]) }).strict();
export type Choice = z.infer<typeof choice>;

export const SLOTS = ['region', 'identities', 'studyInProvince', 'insuredAtSchool', 'bornOn', 'tier', 'paidOn', 'channel'] as const;
export type Slot = (typeof SLOTS)[number];

const step = z
  .object({
    slot: z.enum(SLOTS),
    ask: z.string().min(1),
    /** fixed choices, or the name of a list the engine builds from the region's rules */
    choices: z.union([z.array(choice).min(1), z.enum(['regions', 'tiers', 'channels'])]).optional(),
    other: z.string().optional(),
  })
  .strict();
export type Step = z.infer<typeof step>;

const flowSchema = z
  .object({
    id: z.string(),
    steps: z.array(step).min(1),
    answer: z.object({ followUps: z.array(choice) }).strict().optional(),
  })
  .strict();
export type Flow = z.infer<typeof flowSchema>;

const words = z.array(z.string().min(1)).min(1);
export const TOPICS = ['fee', 'deadline', 'cover', 'pay', 'register', 'who', 'twice', 'contact', 'tier'] as const;
export type Topic = (typeof TOPICS)[number];

const lexiconSchema = z
  .object({
    topics: z.record(z.enum(TOPICS), words),
    neutral: words,
    surchargeAsk: words,
    negation: words,
    correction: words,
    alternative: z.object({ end: words, not: words }).strict(),
    self: words,
    commands: z.object({ back: words, restart: words, stop: words, help: words }).strict(),
    noise: words,
    studyPlace: z.object({ inProvinceCue: words, outsideWords: words, insuredAtSchool: words, notInsuredAtSchool: words, collegeWords: words }).strict(),
    paidElsewhere: z.object({ places: words, verbs: words }).strict(),
    history: z.object({ new: words, interrupted: words, continuing: words, newLeaves: z.array(z.string().min(1)).optional() }).strict(),
    dateAfter: words,
    dateBefore: words,
    askedCues: words,
    lunarWords: words,
    coverOverview: words,
    hukouElsewhere: z.object({ cues: words, elsewhere: words, identity: z.string().min(1) }).strict(),
    workingAway: z.object({ verbs: words, identity: z.string().min(1) }).strict(),
    permitWithout: z.object({ identity: z.string().min(1) }).strict(),
    personWords: words,
    relativeSubject: z.object({ relatives: words, notSelf: words, identities: words }).strict(),
    birthCues: words,
    newborn: z.object({ children: words, births: words, unborn: words }).strict(),
    paidCues: words,
    channelUse: words,
    channelAsk: words,
    payMeans: words,
    noPhone: words,
  })
  .strict();
export type Lexicon = z.infer<typeof lexiconSchema>;

const messagesSchema = z
  .object({
    help: z.string(),
    notUnderstood: z.string(),
    uncoveredRegion: z.string(),
    askRegionAgain: z.string(),
    askKindAgain: z.string(),
    whatWrong: z.string(),
    choiceHint: z.string(),
    restart: z.string(),
    stopped: z.string(),
    back: z.string(),
    nothingToGoBack: z.string(),
    sideReturn: z.string(),
    personalData: z.string(),
    personalDataPrivate: z.string(),
    flood: z.string(),
    nonText: z.string(),
    dateRead: z.string(),
    regionBroad: z.string(),
    policyOld: z.string(),
  })
  .strict();
export type Messages = z.infer<typeof messagesSchema>;

export interface Flows {
  enquiry: Flow;
  pay: Flow;
  lexicon: Lexicon;
  messages: Messages;
}

function load<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  const r = schema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!r.success) {
    throw new Error(`流程文件有错（${path}）：\n${r.error.issues.map((i) => `  - ${i.path.join('.')}：${i.message}`).join('\n')}`);
  }
  return r.data;
}

export function loadFlows(dir: string = DEFAULT_FLOWS_DIR): Flows {
  return {
    enquiry: load(dir, 'enquiry.yaml', flowSchema),
    pay: load(dir, 'pay.yaml', flowSchema),
    lexicon: load(dir, 'lexicon.yaml', lexiconSchema),
    messages: load(dir, 'messages.yaml', messagesSchema),
  };
}
