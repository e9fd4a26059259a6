/**
 * flows/chat.yaml: the words and the wording of the dialogue that flows/lexicon.yaml and flows/messages.yaml
 * have no key for (their format is fixed by src/core/flows.ts). Read and checked once; no policy facts here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_FLOWS_DIR, TOPICS } from '../core/flows.ts';

export const CHAT_FILE = 'chat.yaml';

const words = z.array(z.string().min(1)).min(1);

const chatSchema = z
  .object({
    words: z
      .object({
        ordinary: words,
        yes: words,
        no: words,
        ack: words,
        greetings: words,
        openers: words,
        vagueDays: words,
        /** unless: lexicon topics that, asked too, already answer it (交重了怎么退 is 'twice', not a refund in general) */
        undecided: z.array(z.object({ topics: words, words, unless: z.array(z.enum(TOPICS)).optional() }).strict()),
        /** pairs of characters, traditional then simplified (醫医繳缴…) */
        traditional: z.string().refine((x) => [...x].length % 2 === 0, '繁体字和简体字要成对'),
        regionTypos: z.record(z.string(), words),
        places: z.record(z.string(), words),
        notPlaces: words,
        several: words,
        fiscal: words,
        daysLeft: words,
        /** after a number of 2 or more (5口人, 两个娃): several people */
        counted: words,
      })
      .strict(),
    messages: z
      .object({
        assumedOrdinary: z.string().min(1),
        noDialogue: z.string().min(1),
        ack: z.string().min(1),
        variants: z.string().min(1),
        newbornDate: z.string().min(1),
        twice: z.string().min(1),
        paidElsewhere: z.string().min(1),
        contactNoPhone: z.string().min(1),
        corrected: z.string().min(1),
        regionAskBroad: z.string().min(1),
        regionAskSeveral: z.string().min(1),
        regionTypo: z.string().min(1),
        unlistedMeans: z.string().min(1),
        amountMatches: z.string().min(1),
        ifEnrolledHere: z.string().min(1),
        askedInCover: z.string().min(1),
        askedBeforeCover: z.string().min(1),
        askedAfterCover: z.string().min(1),
        askedFirstDay: z.string().min(1),
        askedMonthIn: z.string().min(1),
        askedMonthBefore: z.string().min(1),
        askedMonthPart: z.string().min(1),
        lunarDate: z.string().min(1),
        paidMonthOnly: z.string().min(1),
        paidNoDay: z.string().min(1),
        paidMonthCover: z.string().min(1),
        dayNeeded: z.string().min(1),
        lunarDayNeeded: z.string().min(1),
        unsureIdentity: z.string().min(1),
        anyOffice: z.string().min(1),
        otherChannels: z.string().min(1),
        otherChannelsSteps: z.string().min(1),
        eachTotal: z.string().min(1),
        dayUnread: z.string().min(1),
        eachPersonHead: z.string().min(1),
        eachCoverHead: z.string().min(1),
        headcountTotal: z.string().min(1),
        reachesLater: z.string().min(1),
        eachPaidHead: z.string().min(1),
        overviewHead: z.string().min(1),
        overviewPaidBetween: z.string().min(1),
        overviewPaidFrom: z.string().min(1),
        overviewFixed: z.string().min(1),
        overviewNextMonth: z.string().min(1),
        overviewWait: z.string().min(1),
        overviewAsk: z.string().min(1),
        amountOther: z.string().min(1),
        amountPaidOther: z.string().min(1),
        listedMeans: z.string().min(1),
        perPerson: z.string().min(1),
        fiscal: z.string().min(1),
        daysLeft: z.string().min(1),
        lastDay: z.string().min(1),
        fiscalNote: z.string().min(1),
        fiscalPersonal: z.string().min(1),
      })
      .strict(),
  })
  .strict();
export type Chat = z.infer<typeof chatSchema>;
export type ChatWords = Chat['words'];
export type ChatMessages = Chat['messages'];

const cache = new Map<string, Chat>();

/** Reads flows/chat.yaml once per directory. */
export function loadChat(dir: string = DEFAULT_FLOWS_DIR): Chat {
  const hit = cache.get(dir);
  if (hit) return hit;
  const path = join(dir, CHAT_FILE);
  const r = chatSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!r.success) {
    throw new Error(`流程文件有错（${path}）：\n${r.error.issues.map((i) => `  - ${i.path.join('.')}：${i.message}`).join('\n')}`);
  }
  cache.set(dir, r.data);
  return r.data;
}
