/**
 * The channel-agnostic core: an incoming message and the sender's session in, replies out.
 * Channels (console, WeChat, Telegram) only translate platform events to IncomingMessage and Reply back.
 */
import { cnDate, type Clock } from '../engine/dates.ts';
import { Sources, UNDECIDED } from '../engine/format.ts';
import { quote, type Quote, type Situation } from '../engine/quote.ts';
import type { RuleSet } from '../rules/load.ts';
import type { FactName, Notice } from '../rules/schema.ts';
import { Understander, type Understanding } from '../nlu/understand.ts';
import { loadChat, type ChatMessages, type ChatWords } from '../nlu/extra.ts';
import {
  channelsAnswer,
  channelSteps,
  composeAnswer,
  composeVariants,
  contactAnswer,
  notUnderstoodContacts,
  registerAnswer,
  undecidedAnswer,
  type AnswerOptions,
  type AnswerParts,
} from './answer.ts';
import { fill, type Choice, type Flows, type Slot, type Step, type Topic } from './flows.ts';
import { MemorySessionStore, sessionKey, type SessionStore } from './store.ts';
import { turnInfo } from './turn-info.ts';
import { newSession, type IncomingMessage, type Reply, type ReplyChoice, type Session, type Snapshot } from './types.ts';

export interface CoreOptions {
  /** a getter, so reloaded rules take effect on the next message */
  rules: () => RuleSet;
  flows: Flows;
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
const DATE_TOPICS: Topic[] = ['fee', 'deadline', 'cover'];
const IDENTITY_TOPICS: Topic[] = ['fee', 'who', 'twice', 'tier'];
const MAX_BACK = 10;
/** what to ask first when several things are missing: the flow's order (region → identities → details → tier → date) */
const MISSING_ORDER: Quote['missing'][number][] = ['studyInProvince', 'insuredAtSchool', 'newStudent', 'bornOn', 'tier'];
/** the order the enquiry asks in, for 上一步 when one message gave several answers */
const BACK_ORDER: Slot[] = ['region', 'identities', 'studyInProvince', 'insuredAtSchool', 'bornOn', 'tier', 'paidOn'];
const NON_TEXT_HINT_MS = 10 * 60_000;
const BEHALF_KEY = '|behalf';

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
  /** the message named a county / province that holds more than the township we have */
  broad?: string;
  /** rules undecided[].topic asked about in this message */
  undecided: string[];
  /** this message says who the person is (低保户怎么交: what applies to them comes before the steps) */
  named: boolean;
  /** the message was a command (重新开始, 上一步...), not a question */
  command?: boolean;
  /** how the question ended in this turn, if it did */
  ended?: 'answered' | 'undecided' | 'failed';
  /** the topics the answer covered */
  endedTopics?: string[];
}

export class Core {
  private understander: Understander;
  private understanderFor: RuleSet;
  readonly store: SessionStore;
  private readonly triggers: string[];
  private readonly chat: ChatMessages;
  private readonly chatWords: ChatWords;

  constructor(private readonly opts: CoreOptions) {
    const chat = loadChat();
    this.chat = chat.messages;
    this.chatWords = chat.words;
    this.understanderFor = opts.rules();
    this.understander = new Understander(this.understanderFor, opts.flows, chat.words);
    this.store = opts.store ?? new MemorySessionStore();
    this.triggers = opts.triggers ?? ['医保'];
  }

  private get rules(): RuleSet {
    const r = this.opts.rules();
    if (r !== this.understanderFor) {
      this.understanderFor = r;
      this.understander = new Understander(r, this.opts.flows, this.chatWords);
    }
    return r;
  }

  private get m() {
    return this.opts.flows.messages;
  }

  /** Is this group message for the bot? (@, reply to the bot, trigger word, or a dialogue in progress) */
  private addressed(msg: IncomingMessage, s: Session | undefined): { yes: boolean; text: string } {
    const text = msg.text.trim();
    const trigger = this.triggers.find((t) => text.startsWith(t));
    if (msg.chatType === 'private' || msg.mentioned) return { yes: true, text };
    if (trigger) return { yes: true, text: text.slice(trigger.length).replace(/^[\s,，:：]+/, '') || text };
    const active = !!s && (s.asking !== null || (s.answered && msg.time - s.updatedAt < (this.opts.followUpMs ?? 5 * 60_000)));
    return { yes: active, text };
  }

  async handle(msg: IncomingMessage): Promise<Reply[]> {
    // 帮村民问: a dialogue of its own about the other person, apart from the cadre's own, forgotten after the answer
    const key = sessionKey(msg.chatId, msg.userId) + (msg.onBehalf ? BEHALF_KEY : '');
    const stored = await this.store.get(key);
    const { yes, text } = this.addressed(msg, stored);
    if (!yes) return [];
    const replyTo = msg.chatType === 'group' ? { userId: msg.userId, name: msg.userName } : undefined;
    const s = stored ?? newSession(msg.time);
    if (msg.onBehalf) s.onBehalf = true;
    if (msg.nonText) {
      // one hint, not one per picture
      if (s.hintedAt !== undefined && msg.time - s.hintedAt < NON_TEXT_HINT_MS) return [];
      s.hintedAt = msg.time;
      await this.store.set(key, s);
      return [{ text: this.m.nonText, replyTo }];
    }
    const bound = (await this.opts.chatRegion?.(msg.chatId)) ?? undefined;
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
      named: false,
    };
    if (bound && !s.situation.region) s.situation.region = bound;
    if (s.situation.region && !rules.byId.has(s.situation.region)) s.situation.region = undefined; // rules reloaded without it
    turn.region = s.situation.region ? rules.byId.get(s.situation.region) : undefined;
    const fresh = s.asking === null;
    this.step(turn, text);
    // the words that opened this question (a bare choice number is not a question), for the statistics
    if (fresh && !turn.command && !/^[\s\d,，、.。]*$/.test(text)) s.question = text.slice(0, 100);
    s.updatedAt = msg.time;
    if (s.onBehalf && s.asking === null) {
      await this.store.delete(key); // nothing about the other person is kept after the answer
    } else await this.store.set(key, s);
    const reply: Reply = { text: turn.out.join('\n'), choices: turn.choices, replyTo };
    const info = turnInfo.getStore();
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
    const u = this.understander.understand(text, { region: s.situation.region, today: t.today, asking: s.asking });
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
      t.out.push(this.m.notUnderstood, ...notUnderstoodContacts(t.region ? [t.region] : this.rules.notices));
      t.ended = 'failed';
      if (s.asking) return this.ask(t, s.asking);
      return;
    }
    if (s.answered && s.asking === null) this.newQuestion(t, u);
    const asked = s.asking;
    if (asked === 'channel' && (u.identities.length || u.topics.some((x) => x !== 'pay') || u.undecidedTopics.length)) {
      // a new question in the middle of the payment steps: leave the pay flow
      s.flow = null;
      s.asking = null;
      s.topics = [];
    }
    const asking = s.asking;
    const before = this.snapshot(s);
    const filled = this.absorb(t, u);
    if (filled === 'uncovered') return;
    if (u.correction && filled.has('identities') && asking !== 'identities') {
      const names = (s.situation.identities ?? []).map((id) => this.rules.identities.get(id)?.name.replace(/（.*?）/g, '') ?? id);
      t.out.push(fill(this.chat.corrected, { who: names.join('、') || '普通居民' }));
    }
    if (asking && filled.size) this.pushBack(s, before);
    const side = u.topics.length > 0 || u.channelIds.length > 0 || u.undecidedTopics.length > 0;
    if (asking && asking !== 'region' && filled.size === 0 && side && t.region) {
      // a side question in the middle: answer it, then go back to where we were
      this.sideAnswer(t, u);
      t.out.push(this.m.sideReturn);
      return this.ask(t, asking);
    }
    t.undecided = u.undecidedTopics;
    t.named = u.identities.length > 0;
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
    if (u.identities.length || u.ordinary || u.negated.length) {
      // someone else, or the same person described anew
      if (!u.correction) sit.identities = undefined;
      sit.facts = {};
      sit.bornOn = undefined;
    }
    if (u.regionIds.length === 1 && u.regionIds[0] !== sit.region) {
      sit.facts = {};
      sit.tier = undefined;
    }
  }

  private snapshot(s: Session): Snapshot {
    // KnownSituation is flat but for two small containers: copy those, share the strings
    const k = s.situation;
    return { situation: { ...k, facts: { ...k.facts }, ...(k.identities ? { identities: [...k.identities] } : {}) }, asking: s.asking, flow: s.flow };
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
        t.out.push(this.m.help);
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
    }
  }

  /** a reply that is only numbers: the choices of the question asked, or the follow-ups after an answer */
  private numbers(t: Turn, nums: number[]) {
    const { s } = t;
    if (s.asking) {
      const slot = s.asking;
      const choices = this.choicesFor(t, slot);
      const picked = (slot === 'identities' ? nums : nums.slice(0, 1)).map((n) => choices[n - 1]);
      if (!choices.length || picked.some((p) => !p)) {
        t.out.push(`没有这个选项。`);
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
      const follow = this.followUps();
      const f = follow[nums[0]! - 1];
      if (f?.value === 'pay') {
        this.pushBack(s, this.snapshot(s));
        s.flow = 'pay';
        return this.ask(t, 'channel');
      }
      if (f?.value === 'register') return this.finishWith(t, registerAnswer(this.quoteNow(t), this.answerOptions(t)));
      if (f?.value === 'restart') return this.command(t, 'restart');
      t.out.push('没有这个选项。', this.followUpLine());
      t.choices = this.followUpChoices();
      return;
    }
    t.out.push(this.chat.noDialogue);
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
    } else if (u.regionIds.length > 1) {
      sit.region = undefined;
    } else if (!sit.region && u.unknownPlace) {
      t.out.push(fill(this.m.uncoveredRegion, { place: u.unknownPlace, regions: rules.notices.map((n) => n.region.short).join('、') }));
      t.ended = 'failed';
      return 'uncovered';
    } else if (!sit.region && u.broad.length) {
      t.broad = u.broad[0]!.word;
    }
    t.region = sit.region ? rules.byId.get(sit.region) : undefined;

    if (u.ordinary && !u.identities.length) {
      sit.identities = [];
      filled.add('identities');
    } else if (u.identities.length || u.negated.length) {
      const replace = u.correction || s.asking === 'identities';
      const base = replace ? [] : (sit.identities ?? []);
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
    if (u.bornOn) {
      sit.bornOn = u.bornOn;
      filled.add('bornOn');
    }
    if (u.paidOn) {
      sit.paidOn = u.paidOn;
      sit.paidOnText = true;
      filled.add('paidOn');
    }
    if (u.history) sit.history = u.history;
    if (u.channelIds.length && s.asking === 'channel') filled.add('channel');
    return filled;
  }

  private situation(t: Turn, region: Notice): Situation {
    const k = t.s.situation;
    return {
      region: region.id,
      identities: k.identities ?? [],
      tier: region.tiers.some((x) => x.id === k.tier) ? k.tier : undefined,
      paidOn: k.paidOn,
      bornOn: k.bornOn,
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
    return {
      notice: t.region!,
      messages: this.chat,
      undecided: t.undecided,
      dateRead: !!t.s.situation.paidOnText,
      assumedOrdinary: t.s.situation.identities === undefined,
    };
  }

  /** Ask the next missing thing, or answer. */
  private advance(t: Turn, channelIds: string[]) {
    const { s } = t;
    if (!t.region) return this.ask(t, 'region');
    const sit = s.situation;
    let topics = s.topics;
    const payOnly = (topics.length > 0 && topics.every((x) => x === 'pay')) || (topics.length === 0 && channelIds.length > 0);
    if (payOnly && t.named && sit.identities?.length && !channelIds.length) {
      // 低保户怎么交 / 在外地打工怎么交: what applies to them first; the steps are one reply away
      s.topics = topics = ['fee', 'who', 'pay'];
    } else if (s.flow === 'pay' || payOnly) {
      s.flow = 'pay';
      const c = t.region.channels.find((x) => x.id === channelIds[0]);
      if (c) return this.finishWith(t, channelSteps(t.region, c));
      return this.ask(t, 'channel');
    }
    s.flow = 'enquiry';
    if (topics.length && topics.every((x) => x === 'contact')) return this.finishWith(t, contactAnswer(this.quoteNow(t), this.answerOptions(t)));
    if (topics.length === 0 && t.undecided.length && sit.identities === undefined) {
      return this.finishWith(t, undecidedAnswer(this.quoteNow(t), this.answerOptions(t)));
    }
    const general = topics.length === 0;
    const needs = (list: Topic[]) => general || topics.some((x) => list.includes(x));
    if (!t.oneShot && sit.identities === undefined && needs(IDENTITY_TOPICS)) return this.ask(t, 'identities');
    const q = this.quoteNow(t);
    const feeMatters = q.fee.status !== 'none' && q.enrol.status === 'here';
    const missing = [...q.missing].sort((a, b) => MISSING_ORDER.indexOf(a) - MISSING_ORDER.indexOf(b));
    for (const m of missing) {
      if ((FACT_SLOTS as string[]).includes(m)) {
        if (!t.oneShot) return this.ask(t, m as Slot);
        return this.answerVariants(t, m as FactName);
      }
      if (m === 'bornOn' && !t.oneShot) return this.ask(t, 'bornOn');
      if (m === 'tier' && !t.oneShot && feeMatters && needs(['fee', 'tier'])) return this.ask(t, 'tier');
    }
    if (!t.oneShot && sit.paidOn === undefined && feeMatters && needs(DATE_TOPICS)) return this.ask(t, 'paidOn');
    this.finishWith(t, composeAnswer(q, s.topics, this.answerOptions(t)));
  }

  /** a forwarded question that leaves a yes/no fact open: both answers, side by side */
  private answerVariants(t: Turn, fact: FactName) {
    const choices = this.choicesFor(t, fact as Slot);
    const st = this.step_(t, fact as Slot);
    const ask = fill(st.ask, this.vars(t));
    const variants = choices.map((c) => ({ label: c.label, q: this.quoteNow(t, { [fact]: c.value as boolean }) }));
    this.finishWith(t, composeVariants(ask, variants, t.s.topics, this.answerOptions(t)));
  }

  private followUps() {
    return this.opts.flows.enquiry.answer?.followUps ?? [];
  }

  private followUpLine(): string {
    return `回复${this.followUps()
      .map((f, i) => `${i + 1}${f.label}`)
      .join('，')}`;
  }

  private followUpChoices(): ReplyChoice[] {
    return this.followUps().map((f, i) => ({ label: f.label, value: String(i + 1) }));
  }

  private finishWith(t: Turn, parts: AnswerParts) {
    const { s } = t;
    const notice = t.region!;
    t.out.push(...parts.lines);
    t.ended = endedAs(parts);
    t.endedTopics = s.flow === 'pay' ? ['pay'] : [...s.topics];
    const lastDay = notice.windows.reduce((d, w) => (w.cover.end > d ? w.cover.end : d), '');
    if (t.today > lastDay) {
      t.out.push(fill(this.m.policyOld, { year: String(notice.policyYear), today: cnDate(t.today) }));
    }
    t.out.push(this.followUpLine());
    t.out.push(parts.source);
    t.choices = this.followUpChoices();
    s.asking = null;
    s.answered = true;
    s.flow = null;
    if (s.onBehalf) s.situation = { facts: {} };
  }

  private sideAnswer(t: Turn, u: Understanding) {
    const notice = t.region!;
    const o = { ...this.answerOptions(t), undecided: u.undecidedTopics };
    let parts: AnswerParts;
    const c = notice.channels.find((x) => x.id === u.channelIds[0]);
    if (c) parts = channelSteps(notice, c);
    else if (u.topics.includes('pay')) parts = channelsAnswer(notice);
    else if (u.topics.length && u.topics.every((x) => x === 'contact')) parts = contactAnswer(this.quoteNow(t), o);
    else if (!u.topics.length) parts = undecidedAnswer(this.quoteNow(t), o);
    else parts = composeAnswer(this.quoteNow(t), u.topics, { ...o, dateRead: false });
    t.out.push(...parts.lines, parts.source);
    t.ended = endedAs(parts);
    t.endedTopics = c || u.topics.includes('pay') ? ['pay'] : [...u.topics];
  }

  private step_(t: Turn, slot: Slot): Step {
    const flow = t.s.flow === 'pay' ? this.opts.flows.pay : this.opts.flows.enquiry;
    return flow.steps.find((x) => x.slot === slot) ?? this.opts.flows.enquiry.steps.find((x) => x.slot === slot) ?? this.opts.flows.pay.steps.find((x) => x.slot === slot)!;
  }

  private vars(t: Turn) {
    const r = t.region?.region;
    return { province: r?.province ?? '', office: r?.office ?? '' };
  }

  private choicesFor(t: Turn, slot: Slot): Choice[] {
    const st = this.step_(t, slot);
    const notice = t.region;
    const vars = this.vars(t);
    if (st.choices === 'regions') return this.rules.notices.map((n) => ({ label: n.region.name, value: n.id }));
    if (st.choices === 'tiers') {
      // what this person pays in each tier (their own amounts where rules/ give them), or the standard when the notice does not decide
      return (notice?.tiers ?? []).map((x) => {
        const q = quote(this.rules, { ...this.situation(t, notice!), tier: x.id });
        const own = q.fee.status === 'decided' ? q.fee.amounts[0]?.amount : undefined;
        const label = own !== undefined ? `个人缴费${own}元` : `个人缴费标准${x.amount}元`;
        return { label: `${x.name ?? ''}（${label}）`, value: String(x.id) };
      });
    }
    if (st.choices === 'channels') return (notice?.channels ?? []).map((c) => ({ label: c.name, value: c.id }));
    return (st.choices ?? []).map((c) => ({ ...c, label: fill(c.label, vars) }));
  }

  private ask(t: Turn, slot: Slot, quiet = false) {
    const { s } = t;
    s.asking = slot;
    s.answered = false;
    const st = this.step_(t, slot);
    const vars = this.vars(t);
    const choices = this.choicesFor(t, slot);
    if (slot === 'region' && t.broad) {
      const regions = this.rules.notices.map((n) => n.region.short).join('、');
      t.out.push(fill(this.chat.regionAskBroad, { place: t.broad, regions }));
    } else if (!quiet) t.out.push(fill(st.ask, vars));
    if (choices.length) {
      t.choices = choices.map((c, i) => ({ label: c.label, value: String(i + 1) }));
      t.out.push(...choices.map((c, i) => `${i + 1}. ${c.label}`));
    }
    if (st.other) t.out.push(fill(st.other, vars));
    else if (choices.length) t.out.push(this.m.choiceHint);
    if (st.choices === 'tiers' && t.region) {
      t.out.push(...tierNote(t.region));
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
