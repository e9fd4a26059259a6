/**
 * The channel-agnostic core: an incoming message and the sender's session in, replies out.
 * Channels (console, WeChat, Telegram) only translate platform events to IncomingMessage and Reply back.
 */
import { cnDate, type Clock } from '../engine/dates.ts';
import { Sources, UNDECIDED } from '../engine/format.ts';
import { quote, type Quote, type Situation } from '../engine/quote.ts';
import type { RuleSet } from '../rules/load.ts';
import type { FactName, Notice } from '../rules/schema.ts';
import { dateParserReady, Understander, type Understanding } from '../nlu/understand.ts';
import type { Chat, ChatMessages, ChatWords } from '../nlu/extra.ts';
import {
  channelsAnswer,
  otherChannelsAnswer,
  channelSteps,
  coverOverview,
  unlistedMeansAnswer,
  composeAnswer,
  composeVariants,
  contactAnswer,
  fiscalAnswer,
  notUnderstoodContacts,
  plainName,
  registerAnswer,
  undecidedAnswer,
  type AnswerOptions,
  type AnswerParts,
} from './answer.ts';
import type { Choice, Flow, Flows, Slot, Step, Topic } from './flows.ts';
import { fill } from './template.ts';
import { MemorySessionStore, sessionKey, type SessionStore } from './store.ts';
import { turnInfoOf } from './turn-info.ts';
import { newSession, type IncomingMessage, type KnownSituation, type QuestionDetails, type Reply, type ReplyChoice, type Session, type Snapshot } from './types.ts';

export interface CoreOptions {
  /** a getter, so reloaded rules take effect on the next message */
  rules: () => RuleSet;
  flows: Flows;
  /** flows/chat.yaml (loadChat) */
  chat: Chat;
  clock: Clock;
  store?: SessionStore;
  /** the region a cadre bound this chat to (or the console's --region) */
  chatRegion?: (chatId: string) => Promise<string | undefined> | string | undefined;
  /** words that address the bot in a group without an @ (default 医保) */
  triggers?: string[];
  /** how long after an answer a group member's follow-up is still taken without an @ */
  followUpMs?: number;
  log?: (event: Record<string, unknown>) => void;
  /** called once per question that ended (answered, or not understood): the cadres' statistics */
  onOutcome?: (o: Outcome) => Promise<void> | void;
}

/** How one question ended. The text is what the guards passed on (personal numbers already masked). */
export interface Outcome {
  chatId: string;
  region?: string;
  topics: string[];
  /** answered with no part the notice leaves open */
  answered: boolean;
  /** answered, but (part of) it is 「通知未明确」 */
  undecided: boolean;
  /** the question, kept only when it was not answered fully */
  text?: string;
}

const FACT_SLOTS: readonly FactName[] = ['studyInProvince', 'insuredAtSchool'];
/** what the day of payment changes, so the dialogue asks it (什么时候交 / 最晚哪天 asks for the days, counted from today) */
const DATE_TOPICS: Topic[] = ['fee', 'cover'];
/** the whole answer to the category menu is 莫得 / 冇得 / 都没有 (none of them) */
const NONE_OF_THEM = /^(?:莫得|冇得|冇|没得|都没有|都莫得|啥都没有|啥子都没有|都不是)[哦啊呀嘛呢的了。.!！]*$/;
/** the whole answer to 哪天缴费 says the day is not known (不晓得, 随便, 还没想好) */
const DAY_NOT_KNOWN = /^(?:不晓得|晓不得|不知道|不清楚|随便|都行|都可以|无所谓|还没想好|没想好|说不准|不一定)[哦啊呀嘛呢的了。.!！]*$/;
/** the whole answer to the category menu is 其他 (its last line says 其他情况直接打字) */
const OTHER_KIND = /^(?:其他|其它|别的|其他的|其它的|其他情况|别的情况|其他人)[。.!！]?$/;
const IDENTITY_TOPICS: Topic[] = ['fee', 'who', 'twice', 'tier'];
/** what 已经在学校交了，家里还要交吗 asks: whether to pay (again), not how much */
const PAY_AGAIN: Topic[] = ['fee', 'who', 'tier', 'twice'];
const MAX_BACK = 10;
/** what to ask first when several things are missing: the flow's order (region → identities → details → tier → date) */
const MISSING_ORDER: Quote['missing'][number][] = ['studyInProvince', 'insuredAtSchool', 'newStudent', 'bornOn', 'tier'];
/** the order the enquiry asks in, for 上一步 when one message gave several answers */
const BACK_ORDER: Slot[] = ['region', 'identities', 'studyInProvince', 'insuredAtSchool', 'bornOn', 'tier', 'paidOn'];
const NON_TEXT_HINT_MS = 10 * 60_000;
const BEHALF_KEY = '|behalf';
/** what may follow a trigger word (医保：…) */
const AFTER_TRIGGER = /^[\s,，:：]+/;
/** a bare choice number (or several) is not a question */
const ONLY_NUMBERS = /^[\s\d,，、.。]*$/;
/** 不对 / 错了 / 搞错了, and nothing else */
const WRONG_ALONE = /^(?:不对|不是的?|错了|搞错了|说错了|弄错了|选错了|不是这样的?)[的了啊呀哦嘛，,。.!！]*$/;
/** 2024年3月1日 / 3月1号出生的 / 2024.3.1: a day and nothing else */
const BARE_DAY = /^\s*(?:是|宝宝|孩子|娃儿?)?\s*(?:(?:\d{2,4}|[〇零一二三四五六七八九]{2,4})\s*[年./-]\s*)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月./-]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}|初[一二三四五六七八九十])\s*[日号]?\s*(?:出生的?|生的|出世的?)?\s*[。.！!]?\s*$/;
const NO_OPTION = '没有这个选项。';

/** One step's wording for one region: {province} / {office} filled in, fixed choices with their labels filled. */
interface StepText {
  ask: string;
  other?: string;
  choices?: Choice[];
}

/** What the dialogue shows about one notice that depends on nothing else. */
interface NoticeTables {
  /** whom to ask when the bot cannot place a message from this region */
  contacts: string[];
  channelChoices: Choice[];
  /** the last day of cover this notice gives: after it, answers say the policy is old */
  lastDay: string;
  /** the notice's words on choosing a tier, and their source line */
  tierNote: string[];
  steps: Map<Step, StepText>;
}

/**
 * Everything the dialogue shows that depends only on the rules and the flows (choice lists, the regions' names,
 * contacts, step wordings for each region), built once per rule set (where the Understander is rebuilt), so the
 * per-message path fills no template and rebuilds no list that is the same for every message.
 */
class RuleTables {
  readonly regionChoices: Choice[];
  /** every region's short name, 、-joined */
  readonly regionShorts: string;
  /** whom to ask, for every region */
  readonly contacts: string[];
  /** each notice's, built the first time it is needed */
  private readonly byNotice = new Map<Notice, NoticeTables>();
  /** step wordings when no region is known yet (the placeholders filled with nothing) */
  private readonly noRegion: Map<Step, StepText>;

  constructor(
    rules: RuleSet,
    private readonly steps: Step[],
  ) {
    this.regionChoices = rules.notices.map((n) => ({ label: n.region.name, value: n.id }));
    this.regionShorts = rules.notices.map((n) => n.region.short).join('、');
    this.contacts = notUnderstoodContacts(rules.notices);
    this.noRegion = stepTexts(steps, { province: '', office: '' });
  }

  notice(n: Notice): NoticeTables {
    let x = this.byNotice.get(n);
    if (!x) {
      x = {
        contacts: notUnderstoodContacts([n]),
        channelChoices: n.channels.map((c) => ({ label: c.name, value: c.id })),
        lastDay: n.windows.reduce((d, w) => (w.cover.end > d ? w.cover.end : d), ''),
        tierNote: tierNote(n),
        steps: stepTexts(this.steps, { province: n.region.province, office: n.region.office }),
      };
      this.byNotice.set(n, x);
    }
    return x;
  }

  step(st: Step, n: Notice | undefined): StepText {
    return (n ? this.notice(n).steps : this.noRegion).get(st)!;
  }
}

function stepTexts(steps: Step[], vars: Record<string, string>): Map<Step, StepText> {
  const out = new Map<Step, StepText>();
  for (const st of steps) {
    out.set(st, {
      ask: fill(st.ask, vars),
      other: st.other === undefined ? undefined : fill(st.other, vars),
      choices: Array.isArray(st.choices) ? st.choices.map((c) => ({ ...c, label: fill(c.label, vars) })) : undefined,
    });
  }
  return out;
}

/** each slot's step in a flow: the flow's own, else the enquiry's, else the payment's */
function stepsBySlot(flow: Flow, flows: Flows): Map<Slot, Step> {
  const out = new Map<Slot, Step>();
  for (const st of [...flow.steps, ...flows.enquiry.steps, ...flows.pay.steps]) if (!out.has(st.slot)) out.set(st.slot, st);
  return out;
}

interface Turn {
  s: Session;
  msg: IncomingMessage;
  region: Notice | undefined;
  bound: string | undefined;
  today: string;
  out: string[];
  choices?: ReplyChoice[];
  /** a one-shot question: answer now with what is known, ask only for the region */
  oneShot: boolean;
  /**
   * the regions to offer when the region is asked: those in a county / province the message named (`place`: 兴国),
   * or the several regions it named at once (no `place`)
   */
  offer?: { place?: string; regionIds: string[] };
  /** rules undecided[].topic asked about in this message */
  undecided: string[];
  /** ways of paying asked about that the region's notice does not list (现金 in 桂阳街道) */
  unlisted: string[];
  /** channels the resident cannot use (我没有微信), and the words said */
  channelsNot?: { ids: string[]; words: string[] };
  /**
   * a time of payment said without a day to count from (腊月二十, 3月份交的, 国庆节交): the answer says it was not
   * counted with and asks for the day
   */
  dayNote?: string;
  /** 7月份交: the cover starts on a different day for each day of the month, so no cover line is given */
  coverVaries?: boolean;
  /** 等待期多久: without a day of payment, the cover of each payment window */
  overview?: boolean;
  /** 交晚了要多交钱吗 */
  surchargeAsked?: boolean;
  /** this message says who the person is (低保户怎么交: what applies to them comes before the steps) */
  named: boolean;
  /** this message says the person is new or paid with a gap (去年没交，今年怎么交: the first steps come with the ways) */
  firstTime?: boolean;
  /** asks the 人均财政补助 (国家补助多少钱) */
  fiscal?: boolean;
  /** 还有几天截止 */
  daysLeft?: boolean;
  /** the message was a command (重新开始, 上一步...), not a question */
  command?: boolean;
  /** how the question ended in this turn, if it did */
  ended?: 'answered' | 'undecided' | 'failed';
  /** the topics the answer covered */
  endedTopics?: string[];
}

export class Core {
  /** the rule set the understander and the tables below were built for (see useRules) */
  private understanderFor!: RuleSet;
  private understander!: Understander;
  private tables!: RuleTables;
  readonly store: SessionStore;
  private readonly triggers: string[];
  private readonly chat: ChatMessages;
  private readonly chatWords: ChatWords;
  private readonly steps: { enquiry: Map<Slot, Step>; pay: Map<Slot, Step> };
  /** the numbered follow-ups after an answer: 回复1…，2…, and their buttons */
  private readonly followUps: Choice[];
  private readonly followUpLine: string;
  private readonly followUpChoices: ReplyChoice[];

  constructor(private readonly opts: CoreOptions) {
    const chat = opts.chat;
    this.chat = chat.messages;
    this.chatWords = chat.words;
    const f = opts.flows;
    this.steps = { enquiry: stepsBySlot(f.enquiry, f), pay: stepsBySlot(f.pay, f) };
    this.useRules(opts.rules());
    this.store = opts.store ?? new MemorySessionStore();
    this.triggers = opts.triggers ?? ['医保'];
    this.followUps = f.enquiry.answer?.followUps ?? [];
    this.followUpLine = `回复${this.followUps.map((c, i) => `${i + 1}${c.label}`).join('，')}`;
    this.followUpChoices = this.followUps.map((c, i) => ({ label: c.label, value: String(i + 1) }));
  }

  private get rules(): RuleSet {
    const r = this.opts.rules();
    if (r !== this.understanderFor) this.useRules(r);
    return r;
  }

  /** what is built once per rule set: at start, and again when the rules are reloaded */
  private useRules(r: RuleSet) {
    const f = this.opts.flows;
    this.understanderFor = r;
    this.understander = new Understander(r, f, this.chatWords);
    this.tables = new RuleTables(r, [...f.enquiry.steps, ...f.pay.steps]);
  }

  private get m() {
    return this.opts.flows.messages;
  }

  /** Is this group message for the bot? (@, reply to the bot, trigger word, or a dialogue in progress) */
  private addressed(msg: IncomingMessage, s: Session | undefined): { yes: boolean; text: string } {
    const text = msg.text.trim();
    if (msg.chatType === 'private' || msg.mentioned) return { yes: true, text };
    const trigger = this.triggers.find((t) => text.startsWith(t));
    if (trigger) return { yes: true, text: text.slice(trigger.length).replace(AFTER_TRIGGER, '') || text };
    const active = !!s && (s.asking !== null || (s.answered && msg.time - s.updatedAt < (this.opts.followUpMs ?? 5 * 60_000)));
    return { yes: active, text };
  }

  async handle(msg: IncomingMessage): Promise<Reply[]> {
    // 帮村民问: a dialogue of its own about the other person, apart from the cadre's own, forgotten after the answer
    const own = sessionKey(msg.chatId, msg.userId);
    let onBehalf = !!msg.onBehalf;
    let stored = await this.store.get(onBehalf ? own + BEHALF_KEY : own);
    // 帮村民问 still asking (哪个乡镇？属于哪一类？): the cadre's next messages answer it, not the cadre's own dialogue;
    // after its answer, a bare choice number (回复1看缴费步骤) in the follow-up time is for it too
    let ownSession: Session | undefined;
    if (!onBehalf && stored?.behalfOpen) {
      const b = await this.store.get(own + BEHALF_KEY);
      // (and a bare date when its answer asked for the birthday)
      const reply = ONLY_NUMBERS.test(msg.text) || (b?.invited === 'bornOn' && BARE_DAY.test(msg.text));
      const followUp = !!b?.answered && reply && msg.time - b.updatedAt < (this.opts.followUpMs ?? 5 * 60_000);
      if (b && (b.asking !== null || followUp)) {
        ownSession = stored;
        stored = b;
        onBehalf = true;
      } else {
        stored.behalfOpen = undefined; // answered, or forgotten after the idle time
        if (b) await this.store.delete(own + BEHALF_KEY);
      }
    }
    const key = onBehalf ? own + BEHALF_KEY : own;
    const { yes, text } = this.addressed(msg, stored);
    if (!yes) return [];
    const replyTo = msg.chatType === 'group' ? { userId: msg.userId, name: msg.userName } : undefined;
    const s = stored ?? newSession(msg.time);
    if (onBehalf) s.onBehalf = true;
    if (msg.nonText) {
      // one hint, not one per picture
      if (s.hintedAt !== undefined && msg.time - s.hintedAt < NON_TEXT_HINT_MS) return [];
      s.hintedAt = msg.time;
      await this.store.set(key, s);
      return [{ text: this.m.nonText, replyTo }];
    }
    const bound = (await this.opts.chatRegion?.(msg.chatId)) ?? undefined;
    // the rules in force (reloaded rules rebuild the understander and the tables this turn uses)
    const rules = this.rules;
    const turn: Turn = {
      s,
      msg,
      bound,
      region: undefined,
      today: this.opts.clock.today(),
      out: [],
      oneShot: msg.forwarded && s.asking === null,
      undecided: [],
      unlisted: [],
      named: false,
    };
    if (bound && !s.situation.region) s.situation.region = bound;
    if (s.situation.region && !rules.byId.has(s.situation.region)) s.situation.region = undefined; // rules reloaded without it
    turn.region = s.situation.region ? rules.byId.get(s.situation.region) : undefined;
    const fresh = s.asking === null;
    // chrono-node is loaded by the first message with a date only it reads
    if (!dateParserReady()) await this.understander.prepare(text, turn.today);
    this.step(turn, text);
    if (onBehalf) s.onBehalf = true; // (重新开始 inside it starts the other person's question over)
    // the words that opened this question (a bare choice number is not a question), for the statistics
    if (fresh && !turn.command && !ONLY_NUMBERS.test(text)) s.question = text.slice(0, 100);
    s.updatedAt = msg.time;
    // an answer that offers choices (回复1看缴费步骤) is kept for them, until the cadre says anything else
    const followable = s.onBehalf && s.asking === null && !!turn.choices?.length;
    if (s.onBehalf && s.asking === null && !followable) {
      await this.store.delete(key); // nothing about the other person is kept after the answer
    } else await this.store.set(key, s);
    if (s.onBehalf) {
      // the cadre's own dialogue knows whether the other one is still asking (or may be followed up)
      const mine = ownSession ?? (await this.store.get(own)) ?? newSession(msg.time);
      const open = s.asking !== null || followable || undefined;
      if (mine.behalfOpen !== open) {
        mine.behalfOpen = open;
        await this.store.set(own, mine);
      }
    }
    const reply: Reply = { text: turn.out.join('\n'), choices: turn.choices, replyTo };
    const info = turnInfoOf(msg);
    if (info) {
      info.topics = turn.endedTopics ?? s.topics;
      info.outcome = turn.ended ?? (s.asking ? 'asking' : undefined);
    }
    if (turn.ended && this.opts.onOutcome) {
      try {
        await this.opts.onOutcome({
          chatId: msg.chatId,
          region: turn.region?.id,
          topics: turn.endedTopics ?? [],
          answered: turn.ended === 'answered',
          undecided: turn.ended === 'undecided',
          ...(turn.ended !== 'answered' ? { text: turn.ended === 'failed' ? text : (s.question ?? text) } : {}),
        });
      } catch (e) {
        this.opts.log?.({ event: 'outcome not recorded', err: (e as Error).message });
      }
    }
    return reply.text ? [reply] : [];
  }

  private step(t: Turn, text: string) {
    const { s } = t;
    // (an answer that asked for the birthday: a date said next is that, as if the question had been asked)
    const invited = s.answered && s.asking === null ? s.invited : undefined;
    s.invited = undefined;
    const u = this.understander.understand(text, { region: s.situation.region, today: t.today, asking: s.asking ?? invited ?? null });
    // (不对 said alone, then what is right: a correction, as 不对，我是特困户 in one message)
    if (s.wrongSaid) {
      s.wrongSaid = undefined;
      if (u.identities.length || u.ordinary || u.regionIds.length) u.correction = true;
    }
    if (u.command) return this.command(t, u.command);
    if (u.numbers.length) return this.numbers(t, u.numbers);
    if (s.asking === 'identities' && u.yesNo === false && !u.identities.length) {
      // 属于哪一类？——“没有” / “不是”: none of them
      u.ordinary = true;
      u.recognised = true;
    }
    if (!u.recognised) {
      if (u.ack) {
        if (s.asking) return this.ask(t, s.asking);
        t.out.push(this.chat.ack);
        return;
      }
      if (s.asking === 'region') {
        t.out.push(this.m.askRegionAgain);
        return this.ask(t, 'region', true);
      }
      // 不对 / 错了 alone: what is wrong is not said
      if (WRONG_ALONE.test(text)) {
        s.wrongSaid = true;
        t.out.push(this.m.whatWrong);
        if (s.asking) return this.ask(t, s.asking);
        return;
      }
      // 其他 / 别的 to the category menu (whose last line says 其他情况直接打字): say what to type
      if (s.asking === 'identities' && OTHER_KIND.test(text)) {
        t.out.push(this.m.askKindAgain);
        return;
      }
      // 不晓得 / 随便 / 还没想好 to the day: what to type, and 1 for today (not 没看懂 again and again)
      if (s.asking === 'paidOn' && DAY_NOT_KNOWN.test(text)) {
        t.out.push(this.chat.dayNeeded);
        return this.ask(t, 'paidOn');
      }
      // 莫得 to the category menu: none of them (没有 is read as no; 莫得 is how many say it)
      if (s.asking === 'identities' && NONE_OF_THEM.test(text)) {
        u.ordinary = true;
        u.recognised = true;
      }
      if (!u.recognised) {
        t.out.push(fill(this.m.notUnderstood, { region: this.exampleRegion(t) }), ...(t.region ? this.tables.notice(t.region).contacts : this.tables.contacts));
        t.ended = 'failed';
        if (s.asking) return this.ask(t, s.asking);
        return;
      }
    }
    if (s.asking === 'paidOn' && u.dayMissing && !u.identities.length && !u.regionIds.length && !u.topics.length) {
      t.out.push(u.lunar ? this.chat.lunarDayNeeded : this.chat.dayNeeded);
      return this.ask(t, 'paidOn');
    }
    if (s.answered && s.asking === null) this.newQuestion(t, u);
    const asked = s.asking;
    if (asked === 'channel' && (u.identities.length || u.topics.some((x) => x !== 'pay') || u.undecidedTopics.length)) {
      // a new question in the middle of the payment steps: leave the pay flow
      s.flow = null;
      s.asking = null;
      s.topics = [];
    }
    let asking = s.asking;
    // only an answer to a question asked can be taken back (上一步)
    const before = asking ? this.snapshot(s) : undefined;
    // 老伴是低保户交多少 → (打算哪天缴费？) 我自己交多少 / 那我儿子呢: another person, whose category is asked
    if (asking && whoAnew(s.situation, u)) {
      forgetWho(s.situation);
      s.situation.asked = undefined;
      if (before) this.pushBack(s, before);
      s.asking = asking = null;
    }
    const whoBefore = s.situation.identities?.join();
    const filled = this.absorb(t, u);
    if (filled === 'uncovered') return;
    // 不对，我是特困 / (in the middle of a question) 那低保户呢: say whom the answer is now for, when that changed
    const changed = s.situation.identities?.join() !== whoBefore;
    if ((u.correction || (u.alternative && asking)) && changed && filled.has('identities') && asking !== 'identities') {
      const names = (s.situation.identities ?? []).map((id) =>
        plainName(t.region?.identities[id]?.name ?? this.rules.identities.get(id)?.name ?? id),
      );
      t.out.push(fill(this.chat.corrected, { who: names.join('、') || '普通居民' }));
    }
    if (before && filled.size) this.pushBack(s, before);
    const side = u.topics.length > 0 || u.channelIds.length > 0 || u.undecidedTopics.length > 0 || u.unlistedMeans.length > 0;
    if (asking && asking !== 'region' && filled.size === 0 && side && t.region) {
      // a side question in the middle: answer it, then go back to where we were
      this.sideAnswer(t, u);
      t.out.push(this.m.sideReturn);
      return this.ask(t, asking);
    }
    // 低保是什么意思 / 不晓得是不是低保: whom to ask (the category is not taken as said)
    if (u.unsure.length && !u.identities.length) {
      const names = u.unsure.map((id) => plainName(t.region?.identities[id]?.name ?? this.rules.identities.get(id)?.name ?? id)).join('、');
      t.out.push(fill(this.chat.unsureIdentity, { names, office: t.region?.region.office ?? this.chat.anyOffice }));
    }
    t.undecided = u.undecidedTopics;
    t.unlisted = u.unlistedMeans;
    if (u.channelsNot) t.channelsNot = u.channelsNot;
    const dayNote = u.lunar
      ? this.chat.lunarDate
      : u.paidMonthOnly
        ? this.chat.paidMonthOnly
        : u.paidNoDay
          ? this.chat.paidNoDay
          : u.dayUnread
            ? fill(this.chat.dayUnread, { word: u.dayUnread })
            : undefined;
    if (dayNote) t.dayNote = dayNote;
    if (u.overview) t.overview = true;
    if (u.surchargeAsked) t.surchargeAsked = true;
    t.named = u.identities.length > 0;
    t.firstTime = u.history === 'new' || u.history === 'interrupted';
    t.fiscal = u.fiscal;
    if (u.daysLeft) t.daysLeft = true;
    if (u.topics.length) s.topics = [...new Set([...s.topics, ...u.topics])];
    this.advance(t, u.channelIds);
  }

  /** After an answer, a new message is a new question; what it does not change is kept (region, date...). */
  private newQuestion(t: Turn, u: Understanding) {
    const { s } = t;
    const sit = s.situation;
    s.answered = false;
    s.flow = null;
    s.topics = [];
    const anew = whoAnew(sit, u);
    // someone else, or the same person described anew (不对，… keeps the categories to correct; 我也是低保户 /
    // 还是残疾人 adds one more to the same person, 就高原则)
    const described = u.identities.length || u.ordinary || u.negated.length;
    // 已经在别处交过, 6月1号能报吗, 交65元可以吗… hold for the question they were said in; who the people are (两个人
    // each of their own kind) holds while nobody is described anew (那要是1月5号交呢 is about the same people)
    const sameWho = !anew && !described && !u.aboutRelative && !u.self && !(u.regionIds.length === 1 && u.regionIds[0] !== sit.region);
    const who = sameWho && sit.asked ? pickWho(sit.asked) : undefined;
    sit.asked = who;
    if (anew || (described && !(u.also && sit.identities?.length))) forgetWho(sit, !anew && u.correction);
    // 那我儿子读大学呢 / 那我老婆呢: each person chooses their own 档次 (四（二）1), another's is not theirs
    if ((u.aboutRelative || u.alternative || u.otherPerson) && !u.also && !u.correction && u.tier === undefined) sit.tier = undefined;
    if (u.regionIds.length === 1 && u.regionIds[0] !== sit.region) {
      // another township and someone named anew (桂阳街道的大学生交多少, 我妹妹在桂阳街道): a question of its own, and the day said for
      // the other one is asked again; 那桂阳街道呢 compares, and keeps it
      sit.facts = {};
      sit.tier = undefined;
      if (!u.paidOn && (u.identities.length || u.aboutRelative) && !u.alternative) {
        sit.paidOn = undefined;
        sit.paidOnText = undefined;
        sit.paidToday = undefined;
        sit.paidMonth = undefined;
      }
    }
  }

  private snapshot(s: Session): Snapshot {
    // KnownSituation is flat but for two small containers: copy those, share the strings
    const k = s.situation;
    const situation = { ...k, facts: { ...k.facts } };
    if (k.identities) situation.identities = [...k.identities];
    return { situation, asking: s.asking, flow: s.flow };
  }

  private pushBack(s: Session, snap: Snapshot) {
    s.back.push(snap);
    if (s.back.length > MAX_BACK) s.back.shift();
  }

  private command(t: Turn, cmd: NonNullable<Understanding['command']>) {
    const { s } = t;
    t.command = true;
    switch (cmd) {
      case 'restart': {
        Object.assign(s, newSession(t.msg.time));
        if (t.bound) s.situation.region = t.bound;
        t.region = t.bound ? this.rules.byId.get(t.bound) : undefined;
        t.out.push(this.m.restart);
        t.oneShot = false;
        s.flow = 'enquiry';
        return this.advance(t, []);
      }
      case 'stop':
        Object.assign(s, newSession(t.msg.time));
        t.out.push(this.m.stopped);
        return;
      case 'back': {
        const snap = s.back.pop();
        if (!snap) {
          // everything came in one message: go back to the step before, in the order the flow asks
          const prev = this.previousSlot(t);
          if (!prev) {
            t.out.push(this.m.nothingToGoBack);
            return s.asking ? this.ask(t, s.asking) : undefined;
          }
          this.clearSlot(t, prev);
          s.answered = false;
          s.flow = 'enquiry';
          t.oneShot = false;
          t.out.push(this.m.back);
          return this.ask(t, prev);
        }
        s.situation = snap.situation;
        s.flow = snap.flow;
        s.answered = false;
        t.oneShot = false;
        t.region = s.situation.region ? this.rules.byId.get(s.situation.region) : undefined;
        t.out.push(this.m.back);
        return snap.asking ? this.ask(t, snap.asking) : this.advance(t, []);
      }
      case 'help':
        t.out.push(fill(this.m.help, { region: this.exampleRegion(t) }));
        return s.asking ? this.ask(t, s.asking) : undefined;
    }
  }

  /** the last slot before the one being asked (or before the answer) that the resident has filled */
  private previousSlot(t: Turn): Slot | null {
    const { s } = t;
    const sit = s.situation;
    const order = BACK_ORDER;
    const at = s.asking ? order.indexOf(s.asking) : order.length;
    for (let i = (at < 0 ? order.length : at) - 1; i >= 0; i--) {
      const slot = order[i]!;
      const set =
        slot === 'region'
          ? !!sit.region && sit.region !== t.bound
          : slot === 'identities'
            ? sit.identities !== undefined
            : slot === 'studyInProvince' || slot === 'insuredAtSchool'
              ? sit.facts[slot] !== undefined
              : slot === 'bornOn'
                ? !!sit.bornOn
                : slot === 'tier'
                  ? sit.tier !== undefined && (t.region?.tiers.length ?? 0) > 1
                  : slot === 'paidOn' && !!sit.paidOn;
      if (set) return slot;
    }
    return null;
  }

  private clearSlot(t: Turn, slot: Slot) {
    const sit = t.s.situation;
    if (slot === 'region') {
      sit.region = undefined;
      t.region = undefined;
    } else if (slot === 'identities') sit.identities = undefined;
    else if (slot === 'studyInProvince' || slot === 'insuredAtSchool') delete sit.facts[slot];
    else if (slot === 'bornOn') sit.bornOn = undefined;
    else if (slot === 'tier') sit.tier = undefined;
    else if (slot === 'paidOn') {
      sit.paidOn = undefined;
      sit.paidOnText = undefined;
      sit.paidToday = undefined;
      sit.paidMonth = undefined;
    }
  }

  /** a reply that is only numbers: the choices of the question asked, or the follow-ups after an answer */
  private numbers(t: Turn, nums: number[]) {
    const { s } = t;
    if (s.asking) {
      const slot = s.asking;
      const choices = this.choicesFor(t, slot, false);
      const picked = (slot === 'identities' ? nums : nums.slice(0, 1)).map((n) => choices[n - 1]);
      if (!choices.length || picked.some((p) => !p)) {
        t.out.push(NO_OPTION);
        return this.ask(t, slot);
      }
      const before = this.snapshot(s);
      this.pushBack(s, before);
      if (slot === 'identities') {
        s.situation.identities = [...new Set(picked.flatMap((p) => p!.value as string[]))];
      } else if (slot === 'channel') {
        const c = t.region!.channels.find((x) => x.id === picked[0]!.value);
        return this.finishWith(t, channelSteps(t.region!, c!));
      } else this.setSlot(t, slot, picked[0]!.value);
      return this.advance(t, []);
    }
    if (s.answered && t.region) {
      const f = this.followUps[nums[0]! - 1];
      if (f?.value === 'pay') {
        this.pushBack(s, this.snapshot(s));
        s.flow = 'pay';
        return this.ask(t, 'channel');
      }
      if (f?.value === 'register') return this.finishWith(t, registerAnswer(this.quoteNow(t), this.answerOptions(t)));
      if (f?.value === 'restart') return this.command(t, 'restart');
      t.out.push(NO_OPTION, this.followUpLine);
      t.choices = this.followUpChoices;
      return;
    }
    t.out.push(fill(this.chat.noDialogue, { region: this.exampleRegion(t) }));
  }

  /** the township an example question names: the chat's own, else the first we have (never another's in a bound group) */
  private exampleRegion(t: Turn): string {
    const id = t.region?.id ?? t.s.situation.region;
    return (id ? this.rules.byId.get(id) : undefined)?.region.short ?? this.rules.notices[0]!.region.short;
  }

  private setSlot(t: Turn, slot: Slot, value: Choice['value']) {
    const sit = t.s.situation;
    if (slot === 'region') {
      sit.region = value as string;
      t.region = this.rules.byId.get(sit.region);
    } else if (slot === 'tier') sit.tier = Number(value);
    else if (slot === 'paidOn') {
      sit.paidOn = value === 'today' ? t.today : (value as string);
      sit.paidOnText = value !== 'today';
    } else if (slot === 'studyInProvince' || slot === 'insuredAtSchool') sit.facts[slot] = value as boolean;
  }

  /** Takes everything the message says into the situation; returns the slots it filled. */
  private absorb(t: Turn, u: Understanding): Set<Slot> | 'uncovered' {
    const { s } = t;
    const sit = s.situation;
    const filled = new Set<Slot>();
    const rules = this.rules;
    if (u.regionIds.length === 1) {
      if (sit.region !== u.regionIds[0]) sit.tier = undefined;
      sit.region = u.regionIds[0]!;
      filled.add('region');
      // 贵阳街道 read as 桂阳街道: say which place the answer is for
      if (u.regionTypo) t.out.push(fill(this.chat.regionTypo, { said: u.regionTypo, region: rules.byId.get(sit.region)!.region.name }));
    } else if (u.regionIds.length > 1) {
      sit.region = undefined;
      t.offer = { regionIds: u.regionIds };
    } else if (!sit.region && u.unknownPlace) {
      t.out.push(fill(this.m.uncoveredRegion, { place: u.unknownPlace, regions: this.tables.regionShorts }));
      t.ended = 'failed';
      return 'uncovered';
    } else if (!sit.region && u.broad.length) {
      t.offer = { place: u.broad[0]!.word, regionIds: u.broad[0]!.regionIds };
    }
    t.region = sit.region ? rules.byId.get(sit.region) : undefined;

    if (u.ordinary && !u.identities.length) {
      sit.identities = [];
      filled.add('identities');
    } else if (u.identities.length || u.negated.length) {
      // 不对，我是特困户 / 那低保户呢 (another person) / the answer to 属于哪一类: the identities said replace the earlier ones
      const replace = u.correction || u.alternative || s.asking === 'identities';
      const base = replace ? [] : (sit.identities ?? []);
      // 特困户交多少 → 那我老婆也是低保户呢: a relative beside the person asked about, each with their own fee
      if (!replace && base.length && u.aboutRelative && !sit.asked?.aboutOther && u.identities.some((i) => !base.includes(i))) {
        sit.asked = { ...sit.asked, several: true };
      }
      const next = [...new Set([...base, ...u.identities])].filter((i) => !u.negated.includes(i));
      if (u.identities.length || replace || sit.identities) {
        sit.identities = next;
        filled.add('identities');
      } else if (u.negated.length) {
        // “我不是低保户”: nothing special then
        sit.identities = [];
        filled.add('identities');
      }
    }
    for (const [k, v] of Object.entries(u.facts) as [FactName, boolean][]) {
      sit.facts[k] = v;
      filled.add(k as Slot);
    }
    if (u.tier !== undefined) {
      sit.tier = u.tier;
      filled.add('tier');
    }
    if (u.bornYear !== undefined && !u.bornOn) sit.bornYear = u.bornYear;
    if (u.bornOn) {
      sit.bornOn = u.bornOn;
      sit.bornYear = undefined;
      filled.add('bornOn');
    }
    if (u.paidOn) {
      sit.paidOn = u.paidOn;
      sit.paidOnText = true;
      sit.paidMonth = undefined;
      filled.add('paidOn');
    }
    if (u.history) sit.history = u.history;
    const d: QuestionDetails = {};
    if (u.paidElsewhere) d.paidElsewhere = true;
    if (u.amount !== undefined) {
      d.saidAmount = u.amount;
      d.saidAmountPaid = u.amountPaid || undefined;
    }
    if (u.askedOn) d.askedOn = u.askedOn;
    if (u.askedMonth) d.askedMonth = u.askedMonth;
    if (u.undecidedTopics.length) d.undecided = [...new Set([...(sit.asked?.undecided ?? []), ...u.undecidedTopics])];
    if (u.paidMonth && !u.paidOn) d.paidMonth = u.paidMonth;
    if (u.several) d.several = true;
    if (u.people) d.people = u.people;
    if (u.unborn) d.unborn = true;
    if (u.householdSize) d.householdSize = u.householdSize;
    if (u.aboutRelative) d.aboutOther = true;
    if (u.headcount) d.headcount = u.headcount;
    if (u.reachesLater) d.reachesLater = u.reachesLater;
    if (u.paidDays) d.paidDays = u.paidDays;
    if (u.alsoOrdinary) d.withOrdinary = true;
    if (Object.keys(d).length) sit.asked = { ...sit.asked, ...d };
    if ((u.channelIds.length || u.unlistedMeans.length) && s.asking === 'channel') filled.add('channel');
    return filled;
  }

  private situation(t: Turn, region: Notice): Situation {
    const k = t.s.situation;
    return {
      region: region.id,
      identities: k.identities ?? [],
      tier: region.tiers.some((x) => x.id === k.tier) ? k.tier : undefined,
      paidOn: k.paidOn,
      paidMonth: k.paidMonth,
      bornOn: k.bornOn,
      bornYear: k.bornYear,
      facts: k.facts,
      history: k.history,
      today: t.today,
    };
  }

  private quoteNow(t: Turn, facts?: Partial<Record<FactName, boolean>>): Quote {
    const sit = this.situation(t, t.region!);
    return quote(this.rules, facts ? { ...sit, facts: { ...sit.facts, ...facts } } : sit);
  }

  private answerOptions(t: Turn): AnswerOptions {
    const asked = t.s.situation.asked;
    const later = asked?.reachesLater;
    return {
      notice: t.region!,
      messages: this.chat,
      // (还没上户口 said in the first message, answered after the birthday and the tier were asked)
      undecided: t.s.situation.asked?.undecided ? [...new Set([...t.undecided, ...t.s.situation.asked.undecided])] : t.undecided,
      dateRead: !!t.s.situation.paidOnText,
      noCover: t.coverVaries,
      daysLeft: t.daysLeft,
      assumedOrdinary: t.s.situation.identities === undefined,
      saidAmount: asked?.saidAmount,
      saidAmountPaid: asked?.saidAmountPaid,
      askedOn: asked?.askedOn,
      askedMonth: asked?.askedMonth,
      several: asked?.several,
      headcount: asked?.headcount,
      surchargeAsked: t.surchargeAsked,
      reachesLater: later ? { id: later, name: this.rules.identities.get(later)?.name ?? later } : undefined,
    };
  }

  /** Ask the next missing thing, or answer. */
  private advance(t: Turn, channelIds: string[]) {
    const { s } = t;
    if (!t.region) return this.ask(t, 'region');
    const sit = s.situation;
    let topics = s.topics;
    // 怎么交 / 去窗口交要带什么 / 去哪里交现金 (a way of paying named: its steps say what to bring and where)
    const means = channelIds.length > 0 || t.unlisted.length > 0;
    const payOnly =
      (topics.length > 0 && topics.every((x) => x === 'pay')) ||
      (means && topics.every((x) => x === 'pay' || x === 'register' || x === 'who'));
    if (payOnly && t.named && sit.identities?.length && !means && !t.channelsNot) {
      // 低保户怎么交 / 在外地打工怎么交: what applies to them first; the steps are one reply away
      s.topics = topics = ['fee', 'who', 'pay'];
    } else if (payOnly && t.firstTime && !means) {
      // 去年没交，今年怎么交 / 第一次交怎么交: the notice's first steps (登记、补缴) before the ways of paying
      s.topics = topics = ['register', 'pay'];
    } else if (s.flow === 'pay' || payOnly) {
      s.flow = 'pay';
      if (t.unlisted.length) return this.finishWith(t, unlistedMeansAnswer(t.region, t.unlisted, this.answerOptions(t)));
      const c = t.region.channels.find((x) => x.id === channelIds[0]);
      if (c) return this.finishWith(t, channelSteps(t.region, c));
      if (t.channelsNot) return this.finishWith(t, otherChannelsAnswer(t.region, t.channelsNot, this.answerOptions(t)));
      return this.ask(t, 'channel');
    }
    s.flow = 'enquiry';
    // (a named person may have rules of their own: 大学新生, 新生儿)
    // 腊月二十交的，今天能用吗: no solar day to count from; what each payment window gives, and the lunar line
    // (3月份交的，6月份能报吗: the same, the day of the month is missing)
    // 7月份交好多: every day of that month pays the same in the same period (the notices' periods end with a month), so
    // the month answers the fee and the period; the day the cover starts may differ within it (满90日), then it is asked
    const month = sit.paidOn === undefined && t.dayNote === this.chat.paidMonthOnly ? sit.asked?.paidMonth : undefined;
    if (month) {
      const base = this.situation(t, t.region);
      const [a, b] = [month.from, month.to].map((d) => quote(this.rules, { ...base, paidOn: d }));
      const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
      const coverSame = same(a!.cover, b!.cover);
      const coverOnly = topics.length > 0 && topics.every((x) => x === 'cover');
      if (same(a!.fee, b!.fee) && same(a!.window, b!.window) && (coverSame || !coverOnly)) {
        sit.paidOn = month.from;
        sit.paidMonth = true;
        sit.paidOnText = true;
        if (coverSame) t.dayNote = undefined;
        else {
          t.dayNote = this.chat.paidMonthCover;
          t.coverVaries = true;
          s.topics = topics = topics.length ? topics.filter((x) => x !== 'cover') : ['fee', 'deadline'];
        }
      }
    }
    // (大学新生 / 新生儿: a cover rule of their own, counted from the payment whatever day it was, is the answer)
    const ownRule = !!t.dayNote && t.named && ownCoverRule(this.quoteNow(t));
    // (已经交了 said of one: their answer says how the day counts)
    if (ownRule && t.dayNote === this.chat.paidNoDay) t.dayNote = undefined;
    const noDay = !!t.dayNote && sit.paidOn === undefined && topics.some((x) => x === 'cover' || x === 'deadline') && !ownRule;
    if (noDay || (t.overview && sit.paidOn === undefined && !sit.asked?.askedOn && !sit.asked?.askedMonth && !sit.identities?.length && topics.every((x) => x === 'cover'))) {
      return this.finishWith(t, coverOverview(t.region, this.answerOptions(t), !!t.dayNote));
    }
    if (topics.length && topics.every((x) => x === 'contact')) return this.finishWith(t, contactAnswer(this.quoteNow(t), this.answerOptions(t)));
    // 国家补助多少钱 (nobody named: 低保户国家补助多少 is that person's fee)
    // (不享受财政补助要交多少 asks about paying late, which the surcharge lines answer)
    if (t.fiscal && !t.named && !t.surchargeAsked && topics.every((x) => x === 'fee')) return this.finishWith(t, fiscalAnswer(this.quoteNow(t), this.answerOptions(t)));
    // 改档 / 一档二档报销有啥区别 (the notice is silent) / 方太乡有没有二档 (the notice's own word on tiers): no one's
    // fee or date is needed for that
    // 2025年交多少: a year the notice is not about; nothing of this notice's fee or dates answers it
    if (t.undecided.includes('other-year')) return this.finishWith(t, undecidedAnswer(this.quoteNow(t), { ...this.answerOptions(t), undecided: t.undecided }));
    const tierOnly = topics.every((x) => x === 'tier' || (x === 'cover' && t.undecided.includes('tier-benefit')));
    const tierWord = topics.includes('tier') && t.region.undecided.some((x) => x.topic === 'tier');
    if (tierOnly && (t.undecided.length || tierWord)) {
      const o = this.answerOptions(t);
      return this.finishWith(t, undecidedAnswer(this.quoteNow(t), { ...o, undecided: [...new Set([...t.undecided, ...(tierWord ? ['tier' as const] : [])])] }));
    }
    let general = topics.length === 0;
    const needs = (list: Topic[]) => general || topics.some((x) => list.includes(x));
    if (!t.oneShot && sit.identities === undefined && needs(IDENTITY_TOPICS)) return this.ask(t, 'identities');
    const q = this.quoteNow(t);
    // 已经在学校 / 外地交过，家里还要交吗: where the notice does not place this person elsewhere, whether to pay
    // again is the question (no fee quote, no tier or date to ask), and the notice does not answer it
    const paidElsewhere = !!sit.asked?.paidElsewhere && q.enrol.status === 'here' && needs(PAY_AGAIN);
    if (paidElsewhere) {
      s.topics = topics = [...topics.filter((x) => !PAY_AGAIN.includes(x)), 'twice'];
      general = false;
    }
    const feeMatters = q.fee.status !== 'none' && q.enrol.status === 'here';
    const missing = [...q.missing].sort((a, b) => MISSING_ORDER.indexOf(a) - MISSING_ORDER.indexOf(b));
    for (const m of missing) {
      if ((FACT_SLOTS as string[]).includes(m)) {
        if (!t.oneShot) return this.ask(t, m as Slot);
        return this.answerVariants(t, m as FactName);
      }
      if (m === 'bornOn' && !t.oneShot && !sit.asked?.unborn) return this.ask(t, 'bornOn');
      if (m === 'tier' && !t.oneShot && feeMatters && needs(['fee', 'tier'])) return this.ask(t, 'tier');
    }
    // (a child not born yet: no day of paying to ask for before the birth)
    if (!t.oneShot && sit.paidOn === undefined && !sit.paidToday && feeMatters && needs(DATE_TOPICS) && !sit.asked?.unborn) return this.ask(t, 'paidOn');
    // 现在还能交吗 answered for today: 那要等多久才能报销 next is about the same payment, not a new one to ask the day of
    if (sit.paidOn === undefined && feeMatters && needs([...DATE_TOPICS, 'deadline'])) sit.paidToday = true;
    const o = this.answerOptions(t);
    if (paidElsewhere) o.messages = { ...o.messages, twice: this.chat.paidElsewhere };
    // 我老婆1月15号交的，我2月20号交的: the cover of each payment
    const asked = sit.asked ?? {};
    if (asked.paidDays) {
      const base = this.situation(t, t.region);
      o.eachPaid = asked.paidDays.map((d) => quote(this.rules, { ...base, paidOn: d }));
    }
    // 两个特困一个低保 / 一个特困一个普通: several people of different kinds, each with their own fee (就高原则 is per person)
    const kinds = sit.identities ?? [];
    if (asked.several && (kinds.length > 1 || (kinds.length === 1 && asked.withOrdinary))) {
      const base = this.situation(t, t.region);
      // (a kind said later, 我自己是特困, not in any group: a person of its own)
      const grouped = asked.people?.every((g) => g.every((id) => kinds.includes(id))) ? asked.people : undefined;
      const people = grouped ? [...grouped, ...kinds.filter((id) => !grouped.some((g) => g.includes(id))).map((id) => [id])] : kinds.map((id) => [id]);
      o.eachPerson = [...people, ...(asked.withOrdinary ? [[]] : [])].map((ids) => quote(this.rules, { ...base, identities: ids }));
      // 我家3口人，我老婆是低保，我和儿子是普通的: each named kind is one person, the ordinary ones the rest
      const n = asked.householdSize;
      const known = !!asked.people || kinds.length === 1;
      if (n && known && (asked.withOrdinary ? n > people.length : n === people.length)) {
        o.eachCount = o.eachPerson.map((_, i) => (i < people.length ? 1 : n - people.length));
      }
    }
    this.finishWith(t, composeAnswer(q, s.topics, o));
    // (the answer's newborn lines end with 告诉我宝宝的出生日期)
    if (q.newborn === null && q.missing.includes('bornOn') && t.region?.newborns) s.invited = 'bornOn';
  }

  /** a forwarded question that leaves a yes/no fact open: both answers, side by side */
  private answerVariants(t: Turn, fact: FactName) {
    const choices = this.choicesFor(t, fact as Slot);
    const ask = this.tables.step(this.step_(t, fact as Slot), t.region).ask;
    const variants = choices.map((c) => ({ label: c.label, q: this.quoteNow(t, { [fact]: c.value as boolean }) }));
    this.finishWith(t, composeVariants(ask, variants, t.s.topics, this.answerOptions(t)));
  }

  private finishWith(t: Turn, parts: AnswerParts) {
    const { s } = t;
    const notice = t.region!;
    t.out.push(...parts.lines);
    if (t.dayNote) t.out.push(t.dayNote);
    t.ended = endedAs(parts);
    t.endedTopics = s.flow === 'pay' ? ['pay'] : [...s.topics];
    if (t.today > this.tables.notice(notice).lastDay) {
      t.out.push(fill(this.m.policyOld, { year: String(notice.policyYear), today: cnDate(t.today) }));
    }
    t.out.push(this.followUpLine);
    t.out.push(parts.source);
    t.choices = this.followUpChoices;
    s.asking = null;
    s.answered = true;
    s.flow = null;
    // (帮村民问: the other person's dialogue is its own session, kept only for the follow-up choices and then deleted)
  }

  private sideAnswer(t: Turn, u: Understanding) {
    const notice = t.region!;
    const o = { ...this.answerOptions(t), undecided: u.undecidedTopics };
    let parts: AnswerParts;
    const c = notice.channels.find((x) => x.id === u.channelIds[0]);
    if (u.unlistedMeans.length) parts = unlistedMeansAnswer(notice, u.unlistedMeans, o);
    else if (c) parts = channelSteps(notice, c);
    else if (u.topics.includes('pay')) parts = channelsAnswer(notice);
    else if (u.topics.length && u.topics.every((x) => x === 'contact')) parts = contactAnswer(this.quoteNow(t), o);
    else if (!u.topics.length) parts = undecidedAnswer(this.quoteNow(t), o);
    else parts = composeAnswer(this.quoteNow(t), u.topics, { ...o, dateRead: false });
    t.out.push(...parts.lines, parts.source);
    t.ended = endedAs(parts);
    t.endedTopics = c || u.unlistedMeans.length || u.topics.includes('pay') ? ['pay'] : [...u.topics];
  }

  private step_(t: Turn, slot: Slot): Step {
    return (t.s.flow === 'pay' ? this.steps.pay : this.steps.enquiry).get(slot)!;
  }

  /** the choices of a step; `labels` false when only their values are wanted (the tier labels cost a quote each) */
  private choicesFor(t: Turn, slot: Slot, labels = true): Choice[] {
    const st = this.step_(t, slot);
    const notice = t.region;
    const tables = this.tables;
    if (st.choices === 'regions') {
      const offered = t.s.offered;
      return offered ? tables.regionChoices.filter((c) => offered.includes(c.value as string)) : tables.regionChoices;
    }
    if (st.choices === 'tiers') {
      if (!labels) return (notice?.tiers ?? []).map((x) => ({ label: '', value: String(x.id) }));
      // what this person pays in each tier (their own amounts where rules/ give them), or the standard when the notice does not decide
      return (notice?.tiers ?? []).map((x) => {
        const q = quote(this.rules, { ...this.situation(t, notice!), tier: x.id });
        const own = q.fee.status === 'decided' ? q.fee.amounts[0]?.amount : undefined;
        const std = q.fee.status === 'undecided' ? q.fee.standard[0]?.amount : x.amount;
        const label = own !== undefined ? `个人缴费${own}元` : std !== undefined ? `个人缴费标准${std}元` : '';
        return { label: `${x.name ?? ''}${label ? `（${label}）` : ''}`, value: String(x.id) };
      });
    }
    if (st.choices === 'channels') return notice ? tables.notice(notice).channelChoices : [];
    return tables.step(st, notice).choices ?? [];
  }

  private ask(t: Turn, slot: Slot, quiet = false) {
    const { s } = t;
    s.asking = slot;
    s.answered = false;
    const st = this.step_(t, slot);
    const text = this.tables.step(st, t.region);
    // after a county or province name (or several regions named), only those regions are offered; the numbers typed back count in that list
    if (slot === 'region') {
      if (t.offer) s.offered = t.offer.regionIds;
      else delete s.offered;
    }
    const choices = this.choicesFor(t, slot);
    if (slot === 'region' && t.offer) {
      const regions = this.rules.notices.filter((n) => s.offered!.includes(n.id)).map((n) => n.region.short).join('、');
      const place = t.offer.place;
      t.out.push(place ? fill(this.chat.regionAskBroad, { place, regions }) : fill(this.chat.regionAskSeveral, { regions }));
    } else if (!quiet) t.out.push(text.ask);
    if (choices.length) {
      const replyChoices: ReplyChoice[] = [];
      choices.forEach((c, i) => {
        replyChoices.push({ label: c.label, value: String(i + 1) });
        t.out.push(`${i + 1}. ${c.label}`);
      });
      t.choices = replyChoices;
    }
    if (text.other) t.out.push(text.other);
    else if (choices.length) t.out.push(this.m.choiceHint);
    if (st.choices === 'tiers' && t.region) {
      t.out.push(...this.tables.notice(t.region).tierNote);
    }
  }
}

/** an answer with any part the notice leaves open counts as 「通知未明确」 in the statistics */
function endedAs(parts: AnswerParts): 'answered' | 'undecided' {
  return parts.lines.some((l) => l.includes(UNDECIDED)) ? 'undecided' : 'answered';
}

function tierNote(n: Notice): string[] {
  const src = new Sources(n.notice.cite);
  n.tiers.forEach((x) => src.add(x.clause));
  const lines: string[] = [];
  if (n.tierChoice) {
    lines.push(n.tierChoice.text);
    src.add(n.tierChoice.clause);
  }
  return [...lines, src.line()];
}

/**
 * 那我呢 / 那我儿子呢, or 我自己交多少 after a question about relatives (儿子在读大学): someone else than the one asked
 * about, whose category was not said (for sure): it is asked again rather than taken from the other person.
 */
function whoAnew(sit: KnownSituation, u: Understanding): boolean {
  if (u.identities.length || u.ordinary || u.negated.length) return false;
  if (u.otherPerson) return true;
  return !!u.self && !!(u.alternative || sit.asked?.aboutOther || sit.asked?.several || sit.asked?.withOrdinary);
}

/** the details of a question that say who it is about (kept for the next question about the same people) */
function pickWho(asked: QuestionDetails): QuestionDetails | undefined {
  const who: QuestionDetails = {};
  if (asked.several) who.several = true;
  if (asked.people) who.people = asked.people;
  if (asked.withOrdinary) who.withOrdinary = true;
  if (asked.householdSize) who.householdSize = asked.householdSize;
  if (asked.headcount) who.headcount = asked.headcount;
  if (asked.aboutOther) who.aboutOther = true;
  return Object.keys(who).length ? who : undefined;
}

/** what was known about the person (`keepIdentities`: a correction works on the categories said) */
function forgetWho(sit: KnownSituation, keepIdentities = false) {
  if (!keepIdentities) sit.identities = undefined;
  sit.facts = {};
  sit.bornOn = undefined;
  sit.bornYear = undefined;
}

/** the person's cover follows a rule of their own, not the payment windows (大学新生: from the day after paying; 新生儿) */
function ownCoverRule(q: Quote): boolean {
  return q.window.status === 'special' || q.newborn !== null;
}
