import type { FactName } from '../rules/schema.ts';
import type { IsoDate } from '../engine/dates.ts';
import type { Slot, Topic } from './flows.ts';
import type { History } from '../nlu/understand.ts';

/** One incoming message, whatever the platform. */
export interface IncomingMessage {
  /** platform-prefixed ids, e.g. tg:-100123 / wx:room@chatroom / console */
  chatId: string;
  userId: string;
  userName?: string;
  chatType: 'group' | 'private';
  /** @-mentioned, or a reply to one of the bot's own messages */
  mentioned: boolean;
  forwarded: boolean;
  text: string;
  /** ms since epoch */
  time: number;
  /** the platform's id of this message, for de-duplication */
  messageId?: string;
  /** the sender may use cadre commands (group owner/admin, ADMIN_IDS, the console user) */
  isAdmin?: boolean;
  /** the message is not text (picture, voice, sticker, file, chat history) */
  nonText?: boolean;
  /** asks the platform whether the sender is an owner/admin of the chat; called only for cadre commands */
  adminCheck?: () => Promise<boolean>;
  /** a cadre asking for a resident (帮村民问): a dialogue of its own, forgotten after the answer */
  onBehalf?: boolean;
}

/** Anything that turns a message into replies: the core, or the guards around it. Channels take this. */
export interface MessageHandler {
  handle(msg: IncomingMessage): Promise<Reply[]>;
}

export interface ReplyChoice {
  label: string;
  /** what the resident's tap sends back: the choice number */
  value: string;
}

export interface Reply {
  text: string;
  choices?: ReplyChoice[];
  /** whom to @ / reply to in a group */
  replyTo?: { userId: string; name?: string };
}

/** What one question said beyond who, where and when (6月1号能报吗, 交65元可以吗, 一家5口…): it holds for that question only. */
export interface QuestionDetails {
  /** questions the notice leaves open, said in an earlier message of this question (还没上户口, then the birthday) */
  undecided?: string[];
  /** paid (or to pay) in a month, no day said: its first and last day */
  paidMonth?: { from: IsoDate; to: IsoDate };
  /** said it was already paid somewhere else (在学校交了, 在外地交了) */
  paidElsewhere?: boolean;
  /** an ordinary resident was named beside someone with an identity (一个特困一个普通) */
  withOrdinary?: boolean;
  /** a day asked about (6月1号住院能报吗): the answer says whether it is in the cover */
  askedOn?: IsoDate;
  /** a month asked about (5月份住院能报吗) */
  askedMonth?: { from: IsoDate; to: IsoDate };
  /** an amount of money the resident named (交65元可以吗), to hold against the notice's */
  saidAmount?: number;
  /** the amount named was paid already (交了100对不对) */
  saidAmountPaid?: boolean;
  /** the question speaks of several people (一家5口, 一共, 两个娃): the fee shown is said to be per person */
  several?: boolean;
  /** how many people in all, of several kinds (我家3口人…): each kind's count is then known when only one kind is left over */
  householdSize?: number;
  /** the child is not born yet (还没生): the birthday is not asked */
  unborn?: boolean;
  /** each person's categories, when several people each have their own (我老婆是低保 我儿子读初中) */
  people?: string[][];
  /** an identity was said of a relative (我儿子在读大学): 我自己交多少 next asks who the asker is */
  aboutOther?: boolean;
  /** two or more days of payment said (我老婆1月15号交的，我2月20号交的) */
  paidDays?: IsoDate[];
  /** a category the person reaches by age later on (明年满60岁) */
  reachesLater?: string;
  /** how many people, all of one kind (我家4口人，都是普通人): the fee is also given for all of them */
  headcount?: number;
}

export interface KnownSituation {
  region?: string;
  identities?: string[];
  tier?: number;
  paidOn?: IsoDate;
  /** the date was read from the resident's words (repeat how it was read) */
  paidOnText?: boolean;
  /** no day was said and an answer was given for paying today: a follow-up about the same payment counts from today too */
  paidToday?: boolean;
  /** paidOn is the first day of a month said without its day (7月份交好多): fee and payment period are the month's */
  paidMonth?: boolean;
  bornOn?: IsoDate;
  /** the year of birth said without the day (孩子2023年11月出生) */
  bornYear?: number;
  facts: Partial<Record<FactName, boolean>>;
  history?: History;
  /** what this question said beyond who, where and when; dropped with the next question */
  asked?: QuestionDetails;
}

export interface Snapshot {
  situation: KnownSituation;
  asking: Slot | null;
  flow: 'enquiry' | 'pay' | null;
}

/** One resident's dialogue in one chat. Plain data, so any store can keep it. */
export interface Session {
  flow: 'enquiry' | 'pay' | null;
  asking: Slot | null;
  situation: KnownSituation;
  topics: Topic[];
  back: Snapshot[];
  /** after an answer: the numbered follow-ups are live */
  answered: boolean;
  /** the person asked about is someone else (帮村民问): nothing about them is kept after the dialogue */
  onBehalf?: boolean;
  /** (the asker's own dialogue) a 帮村民问 dialogue is still asking: the next messages answer it */
  behalfOpen?: boolean;
  /** the words that opened the current question (masked by the guards), for the statistics */
  question?: string;
  /** the regions offered when the region was asked after a county or province name (兴国 → 方太乡 only) */
  offered?: string[];
  /** (after an answer) what its last lines asked to be told (告诉我宝宝的出生日期): a bare reply is that */
  invited?: 'bornOn';
  /** 不对 was said alone: what is said next corrects */
  wrongSaid?: boolean;
  /** when the last "please type" hint for a picture/voice was sent */
  hintedAt?: number;
  updatedAt: number;
}

export function newSession(now: number): Session {
  return { flow: null, asking: null, situation: { facts: {} }, topics: [], back: [], answered: false, updatedAt: now };
}
