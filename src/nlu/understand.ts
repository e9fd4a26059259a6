// chrono-node's simplified-Chinese parsers only (the whole package, every locale, takes ~0.8 s to load), and
// those only when a message first needs them: see loadDateParser()
import type * as ChronoHans from 'chrono-node/zh/hans';
import dayjs from 'dayjs';
import type { RuleSet } from '../rules/load.ts';
import type { FactName, Notice } from '../rules/schema.ts';
import type { Flows, Topic } from '../core/flows.ts';
import { addDays, daysBetween, firstOfNextMonth, isIsoDate, withYear, type IsoDate } from '../engine/dates.ts';
import type { ChatWords } from './extra.ts';
import { Trie, type Match } from './trie.ts';

export type Command = 'back' | 'restart' | 'stop' | 'help';
export type History = 'new' | 'interrupted' | 'continuing';

/** Everything one message says, in the terms of the rules. */
export interface Understanding {
  text: string;
  regionIds: string[];
  /** the region was named by a misspelling in flows/chat.yaml regionTypos (贵阳街道 for 桂阳街道): the word said */
  regionTypo?: string;
  /** county / province names that hold more than the townships we have (兴国, 垫江, 重庆...) */
  broad: { word: string; regionIds: string[] }[];
  /** a township / county / city name we have no notice for */
  unknownPlace: string | null;
  identities: string[];
  negated: string[];
  /** said to be an ordinary resident: the identities are known, and there are none */
  ordinary: boolean;
  correction: boolean;
  facts: Partial<Record<FactName, boolean>>;
  tier?: number;
  paidOn?: IsoDate;
  /** a day asked about, not paid on (3月1号交的，6月1号住院能报吗 → 6月1号) */
  askedOn?: IsoDate;
  /** two or more days said with 交的 (我老婆1月15号交的，我2月20号交的): each is answered */
  paidDays?: IsoDate[];
  /** paid in a month, no day said (3月份交的): nothing to count the cover from */
  paidMonthOnly?: boolean;
  /** that month: its first and last day (交的 a month past or this one, 交 this one or one to come) */
  paidMonth?: { from: IsoDate; to: IsoDate };
  /** 打算哪天缴费？——明年2月 / 过完年: a time of payment without its day */
  dayMissing?: boolean;
  /** 我已经交了，今天住院能报不: paid on a day not said, so not counted as paying today */
  paidNoDay?: boolean;
  /** 国庆节交 / 过完年交 (no question asked): the words of a time the bot does not turn into a day */
  dayUnread?: string;
  /** a month asked about (3月10号交的，5月份住院能报吗): its first and last day */
  askedMonth?: { from: IsoDate; to: IsoDate };
  bornOn?: IsoDate;
  /** a newborn's year of birth said without the day (孩子2023年11月出生) */
  bornYear?: number;
  history?: History;
  topics: Topic[];
  /** questions about things a notice leaves open (rules undecided[].topic), for the region known */
  undecidedTopics: string[];
  command?: Command;
  /** the message is only numbers: choices 1, 2, 3 */
  numbers: number[];
  /** the whole message is a plain yes / no */
  yesNo?: boolean;
  /** the whole message is thanks / ok */
  ack: boolean;
  channelIds: string[];
  /** the known region's channels the resident cannot use (我没有微信), and the words said: the other ways are the answer */
  channelsNot?: { ids: string[]; words: string[] };
  /** ways of paying asked about (现金, 银行柜台…) that the known region's notice does not list among its channels */
  unlistedMeans: string[];
  /** an amount of money named (交65元可以吗 / 交100行不行), not an age or a tier said with 档 */
  amount?: number;
  /** that amount was paid already (交了100对不对) */
  amountPaid?: boolean;
  /** says it was already paid somewhere else (在学校交了, 在外地交了…) */
  paidElsewhere: boolean;
  /** asks how long the wait is / when cover starts in general (等待期多久), to be told per payment window */
  overview: boolean;
  /** names a day of the lunar calendar (腊月二十, 正月十五), which is not computed with */
  lunar: boolean;
  /** speaks of several people (一家5口, 一共, 两个娃): chat.yaml words.several / counted */
  several: boolean;
  /** an ordinary resident named beside someone with an identity (一个特困一个普通) */
  alsoOrdinary?: boolean;
  /** a child not born yet (还没生, 预产期, 明年3月生): no birthday to ask for */
  unborn?: boolean;
  /** categories asked about or not known (低保是什么意思, 不晓得是不是低保): said of nobody */
  unsure: string[];
  /**
   * the categories of each person named, when two or more people each have their own (我老婆是低保 我儿子读初中 →
   * [[低保], [中小学生]]): 就高原则 is for one person's categories only (我妈是低保户也是残疾人 is one person)
   */
  people?: string[][];
  /** asks about another person than the one being asked about (那低保户呢): the identities replace, not add */
  alternative?: boolean;
  /** asks about the asker (我自己交多少, 那我呢), as opposed to the relatives of the question before */
  self?: boolean;
  /** one more category of the same person (我也是低保户, 还是残疾人) */
  also?: boolean;
  /** asks about a relative whose category is not said (那我儿子呢) */
  otherPerson?: boolean;
  /** an identity said with a relative's word (我儿子在读大学, 老伴是低保户) */
  aboutRelative?: boolean;
  /** how many people in all, of several kinds (我家3口人，我老婆是低保，我和儿子是普通的) */
  householdSize?: number;
  /** how many people, all of one kind (我家4口人，都是普通人) */
  headcount?: number;
  /** asks whether paying later costs more (交晚了要多交钱吗, 要不要加钱) */
  surchargeAsked?: boolean;
  /** a category reached by age later on (明年3月满60岁 → 60周岁以上老年人) */
  reachesLater?: string;
  /** asks the 人均财政补助 (国家补助多少): chat.yaml words.fiscal */
  fiscal: boolean;
  /** asks how many days are left to pay (还有几天截止): chat.yaml words.daysLeft */
  daysLeft?: boolean;
  /** anything at all recognised */
  recognised: boolean;
}

export interface UnderstandContext {
  /** what the dialogue already knows (a bound group, an earlier answer) */
  region?: string;
  today: IsoDate;
  /** the slot the dialogue is asking for, if any: a bare amount or a bare province name means more then */
  asking?: string | null;
}

type Tag =
  | { k: 'region'; id: string; typo?: true }
  | { k: 'broad'; id: string }
  | { k: 'place'; province: string }
  | { k: 'identity'; id: string }
  | { k: 'ordinary' }
  | { k: 'topic'; topic: Topic }
  | { k: 'undecided'; topics: string[] }
  | { k: 'negation' }
  | { k: 'correction' }
  | { k: 'self' }
  | { k: 'command'; cmd: Command }
  | { k: 'history'; h: History }
  | { k: 'insured'; v: boolean }
  | { k: 'outside' }
  | { k: 'channel'; region: string; id: string }
  | { k: 'channelUse' }
  | { k: 'channelAsk' }
  | { k: 'overview' }
  | { k: 'neutral' }
  | { k: 'surcharge' }
  | { k: 'means' }
  | { k: 'vague' };

/** words that tell what a date next to them is: a birthday (出生), the day after (之后), a payment made (交了) */
type Cue = 'birth' | 'after' | 'before' | 'paid' | 'asked';

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一..九十九 → number */
export function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return null;
  if (!m[2]) return m[1] && !m[3] ? CN_DIGITS[m[1]]! : null;
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CN_DIGITS[m[3]]! : 0);
}

// emoji and other pictographs, variation selectors, zero-width characters
const EMOJI = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{20E3}\u{1F3FB}-\u{1F3FF}]/gu;
const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
/** any character the passes below replace or remove (emoji, control characters, tildes, white space) */
const UNCLEAN = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{20E3}\u{1F3FB}-\u{1F3FF}\p{Cc}\p{Cf}\p{Cs}~～\s]/u;
const TILDES = /[~～]+/g;
const SPACES = /\s+/g;
const SPACE_IN_CHINESE = /(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])/g;

/** NFKC (full-width to half-width), no emoji, no control characters, no spaces between Chinese characters. */
export function normalize(raw: string): string {
  const nfkc = raw.normalize('NFKC');
  // most messages have none of what the passes below take out: one test instead of six passes
  if (!UNCLEAN.test(nfkc)) return nfkc;
  return nfkc
    .replace(EMOJI, ' ')
    .replace(CONTROL, ' ')
    .replace(TILDES, ' ')
    .replace(SPACES, ' ')
    .replace(SPACE_IN_CHINESE, '')
    .trim();
}

const CJK = '[\\u4e00-\\u9fff]';
/** 某某乡 / 镇 / 县 / 街道: a township or county */
const PLACE_LOOSE = new RegExp(`(${CJK}{2,3})(街道|镇|乡|县)`, 'g');
/** 某某市 / 区 / 省: only when the name has none of the everyday characters below */
const PLACE_STRICT = new RegExp(`(${CJK}{2,3})(市|区|省)`, 'g');
const PLACE_STOP = /[交到去在是了的我们你他她这那哪个本外全各城超和跟与回老家里上下都也还就要想说问]/;
/** each place pattern, whether it is the strict one, and the suffix characters it cannot match without */
const PLACE_PATTERNS = [
  [PLACE_LOOSE, false, /[街镇乡县]/],
  [PLACE_STRICT, true, /[市区省]/],
] as const;
/** 于都 + 县 */
const PLACE_SUFFIX = /^(?:街道|县|市|区|镇|乡|省)/;
const PLACE_LEAD = /^[是在的我们住从去到了家俺咱]+/;
/** 考上了（重庆的）大学: a freshman */
const FRESHMAN = /(?:考上|考起|考进|考入|考取|录取)了?[^，,。；;！!？?\s]{0,6}?(?:大学|大专|高校|学院)/;
/** a character FRESHMAN needs: most messages do not get as far as the pattern */
const FRESHMAN_HINT = /[考录]/;
/** an age beyond this is a typo or not an age */
const MAX_AGE = 130;
const AGE_NUMBER = '(\\d{2,3}|[一二三四五六七八九]?十[一二三四五六七八九]?)';
/** words before an age that make it “not yet”: 快70岁 is 69 */
const NOT_YET = '(快要|快|将近|马上|不到)';
/** 65岁 / 七十多岁 / 快70岁 */
const AGE = new RegExp(`${NOT_YET}?${AGE_NUMBER}\\s*多?\\s*(?:周岁|岁)`, 'g');
/**
 * 今年65了 / 都70多了 / 快70了 / 她七十多了: an age without 岁 only after one of these words (or a person) and before
 * 了 (交65元 is no age)
 */
const AGE_NOW = new RegExp(`(?:${NOT_YET}|今年|已经|都|[她他]|老人家?|我妈|我爸|老汉|老伴|奶奶|爷爷|外婆|外公|婆婆|公公)${AGE_NUMBER}多?了`, 'g');
/** right before an age: it is reached later (明年满60岁, 下个月就满60岁) */
const FUTURE_AGE = /(?:明年|后年|下个月|下半年|年底|过几个月)[^，,。；;]{0,5}满$/;
/** a year right before an age (2025年满60岁, 25年3月就满60了): reached later when that year is still to come */
const YEAR_BEFORE_AGE = /(\d{4}|\d{2})年(?:\d{1,2}月份?)?(?:就|才)?(?:年满|满)$/;
/** 年满60 / 年过六十: no 了 needed, but not 年满90天 */
const AGE_REACHED = new RegExp(`(?<![明后])(?:年满|年过)${AGE_NUMBER}多?(?![\\d日天年月元块号分档])`, 'g');
/** a birth year in 孩子2015年出生: 4 or 2 digits */
const YEAR = /(\d{4}|\d{2})\s*年/g;
/** 学校没交家里交了: between a place and 交了, these say it was not paid there */
const NOT_DONE = /[没不未]/;
/** identities that say which school someone is at: a place of study then says nothing more */
const STUDENTS = ['college_student', 'college_freshman', 'school_student', 'preschool'];
/** a born child is a newborn for so many years (an older birth date is an age, not a newborn) */
const NEWBORN_YEARS = 2;
const TIER = /(?<!哪)(?:第)?([一二两12])\s*档/g;
const TIER_AMOUNT = /(\d{3,4})\s*元?\s*(?:的|那|这|那个|这个)?\s*(?:档|个档)/g;
const BARE_AMOUNT = /(\d{3,4})\s*(?:元|块)?/g;
/** money: 65元 / 100块 / 交100 (not 元旦, not 交2023年, not 100档) */
const MONEY = /(?<![\d.])(\d{1,5})\s*(?:元(?!旦)|块)|(?:交|缴|付)了?(\d{2,4})(?![\d岁年月日号天档周个.])/g;
const DOTTED_DATE = /(\d{4})[./](\d{1,2})[./](\d{1,2})/g;
/** 2.15交的 / 1.31号: month.day, only right before 交/缴/号/日 (2.15元 is money) */
const SHORT_DOTTED = /(?<![\d./])(\d{1,2})[./](\d{1,2})(?![\d./])(?=\s*(?:号|日|交|缴|那天))/g;
/** 元月5号 is January */
const FIRST_MONTH = /元月/g;
const NUMERIC_DATE = /(?<![\d年])(?:(\d{4}|\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g;
const CN_DAY = '(\\d{1,2}|[一二三]?十?[一二三四五六七八九十])';
const REL_MONTH_DAY = new RegExp(`(上|下|这|本)个?月\\s*${CN_DAY}\\s*[号日]`, 'g');
const REL_YEAR_DATE = new RegExp(`(今|去|明|前)年\\s*${CN_DAY}\\s*月\\s*${CN_DAY}\\s*[号日]?`, 'g');
/** 1月底 / 明年二月底 / 腊月底 is lunar (not read) */
const NAMED_MONTH_END = /(?:(今|明|去)年)?(?<![\d腊冬])(\d{1,2}|十[一二]?|[一二三四五六七八九元正])\s*月底/g;
const MONTH_NAMES: Record<string, number> = { 元: 1, 正: 1 };
/** 月底 / 下个月底 (no month named: this month's, or the next one's) */
const MONTH_END = /(?<![\d一二三四五六七八九十元正腊冬]\s*)(这个?|本|下个?|上个?)?月底/g;
const YEAR_END = /(?<![\d零〇一二三四五六七八九十])(今年|明年|去年|今|明|去)?年底/g;
const NEW_YEAR_DAY = /元旦/g;
const NUMBERS_ONLY = /^\s*\d{1,2}(?:\s*[,，、.。 ]\s*\d{1,2})*\s*[.。]?\s*$/;
const CN_CHOICE = /^第?([一二三四五六七八九十])(?:个|项|条)?$/;
const CHOICE_NUMBER = /\d{1,2}/g;
/** a whole message of month and day with a dot, slash or dash (1.20, 1/5, 12-5) */
const MONTH_DOT_DAY = /^\s*(1[0-2]|0?[1-9])\s*[.．/\-]\s*(3[01]|[12]\d|0?[1-9])\s*[号日]?\s*$/;
const PUNCT = /[\s\p{P}\p{S}]+/gu;
/** “不在重庆” to 大学在重庆市内吗 */
const NOT_IN = /不在|不是|没在|没有在/;
const RELATIVE_DAY = /[今明昨前]天|周|星期/;
/** words of a payment still to make: a day said without its year is then not in the past */
const STILL_TO_PAY = /还能交|还可以交|能不能交|来得及|打算|准备|到时候|再交|要交吗|能交吗|还能缴|去交/;
/** 3号 / 二十号: a day of the month with no month before it (月, 年, digits and 初 are not before it) */
const BARE_DAY = /(?<![\d月.\/\-年初一二三四五六七八九十])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*号/g;
/** right after a day: it was paid already (12月5号交的) */
const PAID_ALREADY = /^\s*(?:已经)?[交缴](?:的(?!话)|了|过)|^\s*就[交缴]了/;
/**
 * 周一 / 这周三 / 上个礼拜天: a day of a week. Weeks start on Monday here (chrono's start on Sunday, so on a Sunday
 * it put 这周一 in the coming week).
 */
const WEEKDAY = /(上上|上|这|本|下下|下)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])/g;
const WEEKDAY_NUMBER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const WEEK_SHIFT: Record<string, number> = { 上上: -2, 上: -1, 这: 0, 本: 0, 下: 1, 下下: 2 };
/** 交了三天了 / 缴了两个星期了: paid that long ago */
const PAID_AGO = /[交缴]了(?:有)?(\d{1,3}|[一二两三四五六七八九十]{1,3})个?(天|星期|礼拜|周)了?/g;
/** 初八 / 大年初三 before paying (初八交的): a day of the lunar calendar (读初三 / 上初二 is the school year) */
const LUNAR_DAY = /(?<![月读念上])初[一二三四五六七八九十]{1,2}(?=[号日]?\s*(?:那天|左右|前后)?\s*[就才再去已]?(?:经)?[交缴])/;
/** the whole reply to 哪天缴费 is a lunar day: 初八 / 初十号 */
const LUNAR_DAY_ALONE = /^(?:大年)?初[一二三四五六七八九十]{1,2}[号日]?$/;
/** 2025年 / 2025年度 / 去年 / 前年 said of the insurance (not 25年: 交了25年 is a length of time), not a day (2024年1月, 1953年底前, 去年12月, 2023年出生) */
const YEAR_NAMED = /(20\d\d|去|前|后)年(?:度)?(?!\s*[\d一二三四五六七八九十元]{1,3}\s*月|底|初|前|以前|之前|后|以后|之后|出生|生|满|\d)/g;
/** a household registration said to be elsewhere without naming where (外县户口, 户籍不在本县, 户口还没迁过来) */
const FOREIGN_HUKOU =
  /(?:外县|外省|外地|外市|省外|县外|市外|别的县|别的省|别的地方|其他县|其他省|外乡)的?(?:户口|户籍)|(?:户口|户籍)(?:不在|没在)(?![了的])|不是(?:本县|本地|这边|这里|本街道|本乡|当地)的?(?:户口|户籍)|没有(?:本县|本地|当地|这边)的?(?:户口|户籍)|(?:户口|户籍)还?没有?迁/;
/** the school did not enrol the student (学校那边没给他买医保, 学校没有给她参保, 学校不给买) */
const NOT_INSURED_AT_SCHOOL = /学校[^，。,.!?？！\s]{0,4}?(?:没|没有|不|未)(?:给[他她娃孩子我]{0,2})?(?:交|买|参保|参加|办|缴|统一)/;
/** 不晓得是不是 / 不知道算不算 right before a category */
const UNSURE_BEFORE = /(?:不晓得|不知道|不清楚|不确定|搞不清|不记得|不懂)[^，。？?,]{0,4}$|(?:申请了?|在申请|正在办|要报|想报|想申请|想办|报了|评)$/;
/** right after a category: not known, or not granted yet (我是不是低保不清楚, 低保还没批下来) */
const UNSURE_AFTER = /^(?:户|对象)?[^，。,?？]{0,5}?(?:还没批|没批|批了没|批没批|批下来没|还在审|没下来|没评上|正在申请|申请中|在申请|才批|才能批|下来了没|下来没|批下来了没)/;
/**
 * right after a category, in its clause or the next one: it has ended (低保被取消了, 去年低保今年不是了,
 * 边缘易致贫户，风险已经消除了): said of nobody now, as 不是 before it
 */
const ENDED_AFTER =
  /^(?:户|对象|人员|家庭)?(?:[^，,。？?！!]{0,5}?|[^，,。？?！!]{0,3}[，,]\s*(?:今年|现在|已经|后来|但是|但|可是|风险|资格|身份)[^，,。？?！!]{0,4}?)(?:被取消|取消了|停了|停掉了|断了|停交了|不交了|不是了|没有了|没了|退出了|解除了|消除了|消除风险|撤销了|撤了|摘帽了|不再享受|不享受了|不算了)/;
/** 是不是 / 算不算 right before a category, and 不清楚 right after it (我是不是低保不清楚; not 低保户不知道交多少) */
const WONDER_BEFORE = /(?:是不是|算不算|属不属于)[^，。,]{0,2}$/;
const WONDER_AFTER = /^(?:户|对象)?[^，。,?？]{0,2}?(?:不清楚|不知道|不晓得|搞不清|不确定)/;
/** granted after all (申请了低保已经批下来了) */
const GRANTED_AFTER = /已经批|批下来了|批了(?!没|吗|不)|评上了|已经评/;
/** 什么是 / 什么叫 right before a category */
const MEANING_BEFORE = /(?:什么是|什么叫|啥是|啥叫|何为)$/;
/** 是什么意思 / 怎么认定 right after a category */
const MEANING_AFTER = /^(?:户|对象|人员|家庭)?(?:是什么|是啥|什么意思|啥意思|指什么|指的是|是指|怎么认定|怎么评|怎么申请|怎么办理|怎么查|怎么算)/;
/** whether a category named is asked about rather than said of someone */
function unsureOf(text: string, m: { start: number; end: number }): boolean {
  const before = text.slice(Math.max(0, m.start - 10), m.start);
  const after = text.slice(m.end, m.end + 8);
  if (GRANTED_AFTER.test(text.slice(m.end, m.end + 12))) return false;
  return UNSURE_BEFORE.test(before) || MEANING_BEFORE.test(before) || MEANING_AFTER.test(after) || UNSURE_AFTER.test(after) || (WONDER_BEFORE.test(before) && WONDER_AFTER.test(after));
}
/** right before a channel: the resident cannot use it (不会用微信, 用不来支付宝) */
const NO_USE_BEFORE = /(?:不会用|不用|用不来|用不了|不会弄|不会|没有|没得|没)$/;
/** seeing a doctor (住院, 看病, 手术…), said with 报 (能报吗): a question about what is paid back, too */
const MEDICAL = /住院|看病|就医|就诊|治病|手术|开药|拿药|生病|病了/;
/** 1953年底参军 / 1980年当的兵: the army joined in a year of the last century (2018年参军 may still serve) */
const JOINED_IN_YEAR = /19\d\d年[^，。,]{0,4}?(?:参军|当兵|当的兵|入伍)/;
/** joined the army in a year of the last century, and not said (in that clause) to serve still */
function joinedLongAgo(text: string, person: RegExp): boolean {
  const m = JOINED_IN_YEAR.exec(text);
  if (!m) return false;
  // that clause, and the next one unless it names someone else (我弟弟现在还在部队 is the brother)
  const clauses = text.slice(text.slice(0, m.index).search(/[^，。,]*$/)).split(/[，。,]/);
  const said = person.test(clauses[1] ?? '') ? clauses[0]! : `${clauses[0]}，${clauses[1] ?? ''}`;
  return !STILL_SERVING.test(said);
}
/** 1950年参军 / 53年参的军 / 1952年入伍: the year joined (two digits are of the last century here) */
const JOINED_YEAR = /(19\d\d|[3-9]\d)年(?:\d{1,2}月份?)?(?:底)?(?:以前|之前|前)?[^，。,\d]{0,3}?(?:参军|参的军|当兵|当的兵|入伍|入的伍)/;
/** retired from an enterprise (在企业退休, 在国营厂退休, 厂里退休的) */
const ENTERPRISE_RETIRED = /(?:企业|国企|国营|工厂|厂里|厂子|公司)[^，。,]{0,4}?退(?:的)?休|退休在(?:企业|国企|工厂|厂里|公司)/;
/** the last year of joining that makes a soldier retired from an enterprise one of the 两类人员 (二（二）4 1953年底前参军) */
const TWO_CATEGORIES_BY = 1953;
/** still in the army (现在还在部队服役) */
const STILL_SERVING = /还在部队|在部队服役|还在服役|服现役|现役|还没退/;
/** categories of those who have left the army */
const FORMER_SOLDIER = ['veteran', 'six_categories', 'two_categories', 'soldiers_14'];
/** 明年3月生 / 下个月要生: a month of birth still to come (not 3月生的, 生日) */
const DUE_MONTH = /(?:明年|下个?月|月份?|月底|月初)(?:要|才|就|该)?生(?![了的日下病气活意])/;
/** after a deadline, no day named (过了怎么办, 错过了还能交吗, 晚了咋办) */
const PAST_DEADLINE = /^(?:那|要是|如果|万一)?(?:过了|错过了?|超过了?|晚了|没赶上|过期了?)(?:时间|截止日期|截止时间|日子)?(?:怎么办|咋办|咋个办|还能交|还可以交|能不能交|会怎样|怎么弄|呢|吗|不)/;
/** a character every PAST_DEADLINE holds */
const PAST_DEADLINE_HINT = /[过晚赶]/;
/** whether the text holds anything like a day (3号, 12月, 今天) */
function findsDate(text: string): boolean {
  return /[\d一二三四五六七八九十][号日月]|[今明昨前后]天/.test(text);
}
/** the reply to 选哪一档 of someone who cannot choose (不知道选哪个, 随便, 你帮我选) */
const TIER_UNSURE = /不知道|不晓得|晓不得|不清楚|不懂|不确定|随便|都行|都可以|帮我选|你选|你说呢|哪个好|选哪个|哪个划算|推荐/;
/** works at a school (在大学当保安, 学校食堂打工), with no word of studying (STUDYING) */
const WORKS_AT_SCHOOL = /(?:大学|学校|学院|中学|小学)(?:里|里面|那边|食堂|门口)?(?:当|做|上班|工作|打工|干活|教书|保安|保洁|看门|扫地|打扫|老师|教师|宿管|职工|员工|开店|后勤)/;
/** studying, or a child of the asker named (孩子大学的宿管说… is about the child, a student) */
const STUDYING = /读|念|学生|上学|上大学|上课|考上|录取|勤工俭学|孩子|儿子|女儿|闺女|娃|孙子|孙女/;
/** studying said with a verb, not only a child named (我是大学老师，我儿子也要交吗: the school is the asker's work) */
const STUDY_VERB = /读|念|学生|上学|上大学|上课|考上|录取|勤工俭学/;
/** the asker is the one at the school (我是大学老师 / 我在学校食堂打工) */
const SELF_BEFORE = /我(?:是|在)[^，,。！？?]{0,4}$/;
const SCHOOL_KINDS = ['college_student', 'college_freshman', 'school_student'];
/** a child named (二级残疾的小孩) */
const CHILD_WORD = /小孩|孩子|儿童|娃|宝宝|学生/;
/** categories only a child has (a pupil, a child in a 托幼机构, a newborn) */
const CHILD_KINDS = ['school_student', 'preschool', 'newborn'];
/** 能 / 可以 / 还能 before paying (周三能交吗): a payment to make */
const CAN_BEFORE_PAY = /^\s*(?:能不能|能|可以|还能|还可以)/;
/** right after a day, before paying: after it or before it (6月30号以后交) */
const AROUND_DAY = /^\s*(?:以后|之后|过后|后|以前|之前|前)/;
/** right after a day: it is named as a deadline (9月30号截止了, 12月31日就结束了吗) */
const DEADLINE_AFTER = /^\s*(?:就|已经|都|是)?(?:截止|结束|到期|为止|截至|关门|停止|停收)/;
/** a payment on or before a deadline named (截止前交的, 截止那天交的, 结束之前缴了) */
const DEADLINE_PAID = /^\s*(?:就|已经|都|是)?(?:截止|结束|到期)(?:日|日期)?(?:前|之前|以前|那天|当天|的时候|时)[^，。,.!?？！]{0,4}[交缴]/;
/** right after the paying word: a payment made (缴费的, 交完, 交好了, 交费成功, 交给村干部了; not 交的话, 交完的话, 交会不会晚了) */
const DONE_AFTER_PAY = /^[费钱款]?(?:给[^，。,\s]{1,5}?)?(?:的(?!话)|了|过|完(?!的话|就|再|以后|之后)|好了|成功|掉)/;
/** in the clause after a year: a question about that year (2025年交多少, 2022年交了多少) */
const YEAR_ASKED = /多少|好多|几多|怎么|咋|标准|什么时候|啥时候|要交|要不要|能交|能不能|还能|可以交|涨|一样|变|吗|截止|日期|几号|哪天|档/;
/** another year named after one (2022年交过，今年交多少) */
/** right after a year: that year's own fee, made up (2023年的还能补交吗) */
const YEARS_OWN_ARREARS = /^的(?:医保|费用?|钱)?(?:还能|能|可以|要)?(?:补交|补缴)/;
const ANOTHER_YEAR = /今年|本年|明年|去年|现在|目前|这次|20\d\d年/;
/** right after a year: what did not happen then (去年没交 / 2022年断了) */
const NOT_DONE_NEAR = /[没断未停]/;
const YEAR_WORD_SHIFT: Record<string, number> = { 去: -1, 前: -2, 后: 2 };
/** how many days back a day said with 还能交 may still mean the one just past */
const STILL_TO_PAY_PAST = 60;
/** 两千零二十四年 / 二千零二十三年 */
const CN_THOUSANDS_YEAR = /[两二]千零?([一二三四五六七八九十]{1,3})年/g;
/** a month named (2月, 明年3月初, 腊月 is lunar and read elsewhere) */
const MONTH_NAMED = /(?:\d{1,2}|十[一二]?|[一二三四五六七八九元正])\s*月/;
/** 3月份交的 / 明年3月份交，什么时候能报销 / 3月交多少 / 十二月交还来得及不: a month of payment without its day */
/** 已经交了 / 早就交了 / 交过了 / 我交了380: a payment made, with no day (read only when no day was found) */
const PAID_NO_DAY = /(?:已经|早就|早都|都|就|我|他|她|刚|已|娃|妈|爸|人)(?:交|缴)(?:了|过|起了|好了|完了)|(?:交|缴)过了|已交|已缴|年(?:就|已经)?(?:交|缴)(?:的|了)/;
/** 去年交过了 / 以前交过: a payment of an earlier year (今年还要交吗 is then the yearly payment) */
const EARLIER_YEAR = /去年|前年|往年|以前|上一年|每年/;
/** right before a place: where someone is registered or lives (户口在村里) */
const PLACE_OF_LIVING = /(?:户口|户籍|住|家|人)在$/;
/** 还要交吗 / 还用交吗 / 还要不要交 / 要再交吗 */
const PAY_AGAIN_ASKED = /还要交|还用交|还要不要交|还交吗|还交不|还需要交|再交吗|要再交|还要再交/;
/** 如果交了 / 交了多少 / 交了没: not a payment said to have been made */
const PAID_NOT_SAID = /如果|要是|假如|假设|万一|(?:交|缴)(?:了|过)(?:多少|几|好多|两次|没|吗|不)/;
/** 下个月交 / 上个月交的 / 这个月交: a month counted from this one */
const RELATIVE_MONTH = /(下个?月|上个?月|这个月|本月)份?(?:再|才|就|底前|初)?(?:交|缴)/;
/** 去年解除监测了 / 前年低保取消了: a year of something that ended */
const ENDED_IN_YEAR = /解除|取消|消除|退出|不是了|停了/;
/** a year right before a month (2024年7月交) */
const YEAR_RIGHT_BEFORE = /(\d{4}|\d{2})\s*年\s*$/;
/** words that put a payment still to come (十二月交还来得及不, 打算7月交) */
const PAY_LATER = /来得及|打算|准备|想在|要在|等到|再交|才交|以后交/;
/** every month named (3月, 十二月份) */
const MONTH_NAMED_ALL = /(?:\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月/g;
const PAID_MONTH = /(?<![\d.])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?(?![\d一二三四五六七八九十号日底初])\s*(交的|交了|缴的|缴了|交过|缴过|[再去才]?[交缴])/;
/** 90天内 / 三十天之内: a span of days */
const WITHIN_DAYS = /天之?内$/;
/** what a day (not only a time of day: 晚上, 下午) said to chrono holds */
const DAY_WORD = /[日号天月周星拜年\d]/;
/** every way the study-place pattern (Understander.studyRe) can go holds one of these: 读 念 上学 大学 高校 学校 研究生 学院 本科 专科 大专 高职 */
const STUDY_HINT = /[读念学校研本专职]/;

/** a place name in 在重庆读大学 / 重庆的大学, and the short name of its province */
interface StudySpan {
  start: number;
  end: number;
  province: string;
}

/** What the words of one message name beyond `Understanding`: the place names, and where the cue words are. */
interface Found {
  /** place names of the chat words (湖南, 桂阳县...) */
  places: Match<Tag>[];
  /** region, broader, identity and channel names */
  known: Match<Tag>[];
  channels: { region: string; id: string }[];
  /** names of channels the resident cannot use (我没有微信, 不会用支付宝) */
  notChannels?: string[];
  /** ways of paying of the lexicon (payMeans), each with whether it came right after 用/去/能… (or right before 能交吗…) */
  means: { match: Match<Tag>; used: boolean }[];
  /** channel names of every notice, the same way (渝快办 asked in 方太乡 is a way its notice does not list) */
  channelWords: { match: Match<Tag>; used: boolean }[];
  /** the first time of payment said without its day (国庆节, 过完年, 下个月: chat.yaml vagueDays) */
  vague?: string;
}

interface Span {
  start: number;
  end: number;
}

/** where 出生 / 之后 / 交了 and the like are: they tell what a date next to them is */
type CueSpans = Record<Cue, Span[]>;

interface FoundDate {
  date: IsoDate;
  index: number;
  end: number;
  yearCertain: boolean;
}

/** whether the text has more than `n` Chinese characters (which stripping punctuation leaves) */
function hanMoreThan(text: string, n: number): boolean {
  let han = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff && ++han > n) return true;
  }
  return false;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const overlaps = (a: { start: number; end: number }, spans: { start: number; end: number }[]) =>
  spans.some((s) => a.start < s.end && a.end > s.start);

export class Understander {
  private readonly trie = new Trie<Tag>();
  private readonly cues = new Trie<Cue>();
  private readonly noise: string[];
  /** any one of the noise words: most messages hold none, and skip the word-by-word removal */
  private readonly anyNoise: RegExp;
  private readonly words: ChatWords;
  private readonly yes: Set<string>;
  private readonly no: Set<string>;
  private readonly ack: Set<string>;
  /** the thanks words (谢谢, 多谢…), to tell a bare 谢谢 (noise) from a bare 请问 */
  private readonly ackWords: string[];
  /** traditional character → simplified one, and patterns finding any of them */
  private readonly simplified = new Map<string, string>();
  private readonly traditionalRe: RegExp;
  private readonly traditionalAll: RegExp;
  /** 你好 / 在吗 / 你能干什么 alone: answered with what the bot can answer */
  private readonly greetings: Set<string>;
  /** 交医保 / 我想问问医保的事: an opening with nothing else in it starts the dialogue */
  private readonly openers: string[];
  /** the length of the longest whole-message word: a choice, a yes / no, a thanks */
  private readonly longestBare: number;
  /** each notice's own place names (its township, county, province…): 户口在垫江 is no household elsewhere there */
  private readonly homeNames = new Map<string, Set<string>>();
  /** a place word → the short name of its province (重庆, 江西, 其他) */
  private readonly provinceOf = new Map<string, string>();
  /** 在重庆读大学 / 重庆的大学: where a student studies (built once, from all place words) */
  private readonly studyRe: RegExp;
  /** 户口在四川: household registration named somewhere else (lexicon hukouElsewhere) */
  private readonly hukouRe: RegExp;
  private readonly hukouIdentity: string;
  /** 没有居住证: the identity whose denial is the fact residencePermit: false (lexicon permitWithout) */
  private readonly permitIdentity: string;
  /** 在深圳打工: living and working somewhere else (lexicon workingAway) */
  private readonly awayRe: RegExp;
  private readonly awayIdentity: string;
  /** one of the workingAway verbs: without one, awayRe cannot match and is not run */
  private readonly awayVerb: RegExp;
  /** categories a stated age alone puts someone in (catalogue fromAge), oldest threshold first */
  private readonly byAge: { id: string; fromAge: number }[];
  /** categories that become another at an age (catalogue atAge) */
  private readonly atAge: Map<string, { from: number; id: string }>;
  /** 宝宝11月出生的 / 小孩2024年4月10日刚出生: a child word, then (after a date, perhaps) a birth word */
  private readonly newbornRe: RegExp;
  /** 那低保户呢: the last characters and the words that make a message ask about someone else (lexicon alternative) */
  private readonly alternative: { end: string[]; not: string[] };
  /** relatives' words and the identities said of them that are not the asker's (lexicon relativeSubject) */
  private readonly relativeSubject: { word: RegExp; notSelf: RegExp; identities: Set<string> };
  /** cannot use a phone (lexicon noPhone): the ways paid in person are the answer */
  private readonly noPhoneRe: RegExp;
  /** identities a word of a new enrolment says were left (辞职了 → 职工医保) */
  private readonly newLeaves: Set<string>;
  /** 5月份住院能报吗: a month (no day) right before the words asking about cover */
  private readonly monthAskedRe: RegExp;
  /** a lunar-calendar word (flows/lexicon.yaml lunarWords) */
  private readonly lunarRe: RegExp;
  /** one of the birth words (出生, 生了…): without one, newbornRe cannot match and is not run */
  private readonly birthWord: RegExp;
  /** 大学 / 高校 / 研究生…: with a place of study, a university student */
  private readonly collegeWords: RegExp;
  /** 在外地交了 / 学校已经交了 / 在广东买了: paid somewhere else (the group: what stands between place and verb) */
  private readonly paidElsewhereRe: RegExp;
  /** any of its verbs: most messages have none, and skip the long pattern */
  private readonly paidVerb: RegExp;
  /** a child not born yet (还没生, 预产期, 明年3月生) */
  private readonly unbornRe: RegExp;
  /** 一家 / 一共 / 5口人 / 两个娃: several people */
  private readonly severalRe: RegExp;
  /** where a person is named: a relative or child word (lexicon relativeSubject.relatives, personWords, newborn.children), the asker (我是, 我自己), 她自己 */
  private readonly personRe: RegExp;
  /** 国家补助 / 财政补助: the fiscal subsidy asked */
  private readonly fiscalRe: RegExp;
  private readonly daysLeftRe: RegExp;

  constructor(
    private readonly rules: RuleSet,
    flows: Flows,
    words: ChatWords,
  ) {
    const lx = flows.lexicon;
    const t = this.trie;
    this.byAge = [...rules.identities.values()]
      .flatMap((i) => (i.fromAge ? [{ id: i.id, fromAge: i.fromAge }] : []))
      .sort((a, b) => b.fromAge - a.fromAge);
    this.atAge = new Map([...rules.identities.values()].flatMap((i) => (i.atAge ? [[i.id, i.atAge] as const] : [])));
    this.words = words;
    for (const n of rules.notices) {
      const key = n.region.provinceNames[0]!;
      const names = new Set([n.region.short, n.region.township, ...n.region.aliases]);
      this.homeNames.set(n.id, new Set([...names, ...n.region.provinceNames, ...n.region.broader]));
      for (const a of names) t.add(a, { k: 'region', id: n.id });
      for (const a of words.regionTypos[n.id] ?? []) if (!names.has(a)) t.add(a, { k: 'region', id: n.id, typo: true });
      for (const b of new Set(broaderNames(n))) {
        t.add(b, { k: 'broad', id: n.id });
        // a county has no university; a city or province does (在重庆读大学, 赣州的大学)
        if (!n.region.broader.includes(b)) this.provinceOf.set(b, key);
      }
      for (const p of n.region.provinceNames) this.provinceOf.set(p, key);
      for (const c of n.channels) for (const a of c.aliases) t.add(a, { k: 'channel', region: n.id, id: c.id });
    }
    for (const [province, ws] of Object.entries(words.places)) {
      for (const w of ws) {
        t.add(w, { k: 'place', province });
        this.provinceOf.set(w, province);
      }
    }
    for (const i of rules.identities.values()) for (const a of i.aliases) t.add(a, { k: 'identity', id: i.id });
    for (const w of words.ordinary) t.add(w, { k: 'ordinary' });
    for (const [topic, ws] of Object.entries(lx.topics)) for (const w of ws) t.add(w, { k: 'topic', topic: topic as Topic });
    for (const u of words.undecided) for (const w of u.words) t.add(w, { k: 'undecided', topics: u.topics });
    for (const w of lx.neutral) t.add(w, { k: 'neutral' });
    for (const w of lx.surchargeAsk) t.add(w, { k: 'topic', topic: 'fee' }).add(w, { k: 'surcharge' });
    for (const w of lx.negation) t.add(w, { k: 'negation' });
    for (const w of lx.correction) t.add(w, { k: 'correction' });
    for (const w of lx.self) t.add(w, { k: 'self' });
    for (const [cmd, ws] of Object.entries(lx.commands)) for (const w of ws) t.add(w, { k: 'command', cmd: cmd as Command });
    for (const [h, ws] of Object.entries(lx.history)) for (const w of ws) t.add(w, { k: 'history', h: h as History });
    for (const w of lx.studyPlace.insuredAtSchool) t.add(w, { k: 'insured', v: true });
    for (const w of lx.studyPlace.notInsuredAtSchool) t.add(w, { k: 'insured', v: false });
    for (const w of lx.studyPlace.outsideWords) t.add(w, { k: 'outside' });
    for (const w of lx.channelUse) t.add(w, { k: 'channelUse' });
    for (const w of lx.channelAsk) t.add(w, { k: 'channelAsk' });
    for (const w of lx.coverOverview) t.add(w, { k: 'topic', topic: 'cover' }).add(w, { k: 'overview' });
    for (const w of lx.payMeans) t.add(w, { k: 'means' });
    for (const w of words.vagueDays) t.add(w, { k: 'vague' });
    // the date cues have a trie of their own: a longer word of the lexicon that holds one (刚出生, 学校交了) must not hide it
    for (const w of lx.dateAfter) this.cues.add(w, 'after');
    for (const w of lx.dateBefore) this.cues.add(w, 'before');
    for (const w of lx.askedCues) this.cues.add(w, 'asked');
    for (const w of lx.birthCues) this.cues.add(w, 'birth');
    for (const w of lx.paidCues) this.cues.add(w, 'paid');
    this.noise = [...new Set(lx.noise.map(normalize))].sort((a, b) => b.length - a.length);
    this.anyNoise = new RegExp(this.noise.map(escape).join('|'));
    const bare = (s: string) => s.normalize('NFKC').replace(PUNCT, '').toLowerCase();
    this.yes = new Set(words.yes.map(bare));
    this.no = new Set(words.no.map(bare));
    this.ack = new Set(words.ack.map(bare));
    const pairs = [...words.traditional];
    for (let i = 0; i + 1 < pairs.length; i += 2) this.simplified.set(pairs[i]!, pairs[i + 1]!);
    const cls = `[${[...this.simplified.keys()].join('')}]`;
    this.traditionalRe = new RegExp(cls);
    this.traditionalAll = new RegExp(cls, 'g');
    this.ackWords = words.ack.filter((w) => w.length > 1);
    this.greetings = new Set(words.greetings.map(bare));
    this.openers = words.openers;
    // CN_CHOICE matches at most 3 characters (第十个)
    this.longestBare = Math.max(3, ...[...this.yes, ...this.no, ...this.ack, ...this.greetings].map((w) => w.length));
    const alts = (ws: string[]) => [...new Set(ws)].sort((a, b) => b.length - a.length).map(escape).join('|');
    this.collegeWords = new RegExp(alts(lx.studyPlace.collegeWords));
    this.fiscalRe = new RegExp(alts(words.fiscal));
    this.daysLeftRe = new RegExp(alts(words.daysLeft));
    this.severalRe = new RegExp(`${alts(words.several)}|(?:[2-9]|[1-9]\\d|[两二三四五六七八九十])(?:${alts(words.counted)})`);
    const pe = lx.paidElsewhere;
    this.paidVerb = new RegExp(alts(pe.verbs));
    this.paidElsewhereRe = new RegExp(`(?:${alts([...pe.places, ...Object.values(words.places).flat()])})([^，,。；;！!？?\\s]{0,4}?)(?:${alts(pe.verbs)})`, 'g');
    // 孩子生了病 is no birth
    this.birthWord = new RegExp(alts(lx.newborn.births));
    // (还没生效 / 没生病 / 还没生成 are not about a child)
    this.unbornRe = new RegExp(`(?:${alts(lx.newborn.unborn)})(?![效病成意气过])|${DUE_MONTH.source}`);
    this.lunarRe = new RegExp(alts(lx.lunarWords));
    this.monthAskedRe = new RegExp(
      `(?<![\\d年.])(\\d{1,2}|十[一二]?|[一二三四五六七八九])\\s*月份?(?![\\d一二三四五六七八九十号日底初])[^，,。；;！!？?交缴付]{0,2}(?:${alts(lx.askedCues)})`,
    );
    this.alternative = lx.alternative;
    this.personRe = new RegExp(`${alts([...lx.relativeSubject.relatives, ...lx.personWords, ...lx.newborn.children])}|${SELF_SAID.source}|我自己|我本人|[她他]自己`, 'g');
    this.newLeaves = new Set(lx.history.newLeaves ?? []);
    this.noPhoneRe = new RegExp(alts(lx.noPhone));
    this.relativeSubject = {
      word: new RegExp(alts(lx.relativeSubject.relatives)),
      notSelf: new RegExp(alts(lx.relativeSubject.notSelf)),
      identities: new Set(lx.relativeSubject.identities),
    };
    this.newbornRe = new RegExp(`(?:${alts(lx.newborn.children)})([^，,。；;！!？?\\s]{0,12}?)(?:刚刚|刚|才)?(?<![究学医考])(?:${alts(lx.newborn.births)})(?!病)`, 'g');
    const alt = [...this.provinceOf.keys()].sort((a, b) => b.length - a.length).map(escape).join('|');
    this.hukouRe = new RegExp(`(?:${alts(lx.hukouElsewhere.cues)})(${alts(lx.hukouElsewhere.elsewhere)}|${alt})`);
    this.hukouIdentity = lx.hukouElsewhere.identity;
    this.permitIdentity = lx.permitWithout.identity;
    this.awayRe = new RegExp(`在(${alt})[^，,。；;！!？?\\s]{0,4}?(?:${alts(lx.workingAway.verbs)})`);
    this.awayIdentity = lx.workingAway.identity;
    this.awayVerb = new RegExp(alts(lx.workingAway.verbs));
    this.studyRe = new RegExp(
      `(?:在|去|到|考到|考去|考进|考入|考上了?|考了)(${alt})(?:市|省|区|县)?[^，,。；;！!？?\\s]{0,5}?(?:读|念|上学|上大学|大学|高校|学校|研究生|学院|本科|专科|大专|高职)` +
        `|(${alt})(?:市|省)?(?:的|那边的|那里的|那边|里的)?(?:大学|高校|学院)` +
        // 娃儿读大学在重庆 / 孩子是专科生在重庆: the place after the study
        `|(?:读|念|上)?(?:大学|本科|专科|大专|高职|研究生|大学生|专科生|本科生)[^，,。；;！!？?\\s]{0,2}?在(${alt})(?!打工|工作|上班|务工)`,
      'g',
    );
  }

  /** the text as understand() reads it: normalised, noise words out */
  private clean(raw: string): string {
    let text = normalize(raw);
    // 桂陽街道 繳費: traditional characters read as simplified ones (chat.yaml traditional)
    if (this.traditionalRe.test(text)) text = text.replace(this.traditionalAll, (c) => this.simplified.get(c)!);
    // 两千零二十四年: the year in digits (chrono reads it as 2104)
    if (text.includes('千')) {
      text = text.replace(CN_THOUSANDS_YEAR, (all, n: string) => {
        const y = cnNumber(n);
        return y === null ? all : `${2000 + y}年`;
      });
    }
    if (this.anyNoise.test(text)) {
      // longest first, one word after another; normalize() left no other white space to tidy
      for (const n of this.noise) if (text.includes(n)) text = text.split(n).join(' ');
      text = text.replace(SPACES, ' ').trim();
    }
    return text;
  }

  /**
   * Loads chrono-node's Chinese parsers if this message is the first that needs them (a date our own patterns do
   * not read). Call before understand() while dateParserReady() is false; understand() itself stays synchronous.
   */
  async prepare(raw: string, today: IsoDate): Promise<void> {
    if (!chrono && findDates(this.clean(raw), today, true) === NEEDS_CHRONO) await loadDateParser();
  }

  understand(raw: string, ctx: UnderstandContext): Understanding {
    let text = this.clean(raw);
    // 1.20 / 1/5 / 12-5 asked for a day: a month and a day, not choices 1 and 20
    if ((ctx.asking === 'paidOn' || ctx.asking === 'bornOn') && MONTH_DOT_DAY.test(text)) text = text.replace(MONTH_DOT_DAY, '$1月$2日');
    const u: Understanding = {
      text,
      regionIds: [],
      broad: [],
      unknownPlace: null,
      identities: [],
      negated: [],
      ordinary: false,
      correction: false,
      facts: {},
      topics: [],
      undecidedTopics: [],
      numbers: [],
      ack: false,
      channelIds: [],
      unlistedMeans: [],
      paidElsewhere: false,
      lunar: false,
      overview: false,
      several: false,
      unsure: [],
      fiscal: false,
      recognised: false,
    };
    if (NUMBERS_ONLY.test(text)) {
      u.numbers = text.match(CHOICE_NUMBER)!.map(Number);
      u.recognised = true;
      return u;
    }
    // the whole-message words (第二个, yes / no, thanks) are short: a message with more Chinese characters than the
    // longest of them is none of them, and need not be stripped bare to compare
    if (!hanMoreThan(text, this.longestBare)) {
      const bare = text.replace(PUNCT, '').toLowerCase();
      const cn = CN_CHOICE.exec(bare);
      if (cn && ctx.asking) {
        u.numbers = [cnNumber(cn[1]!)!];
        u.recognised = true;
        return u;
      }
      // 你好 (which clean() drops as noise) / 在吗: the help text
      if (this.greetings.has(normalize(raw).replace(PUNCT, '').toLowerCase())) {
        u.command = 'help';
        u.recognised = true;
        return u;
      }
      if (this.yes.has(bare)) u.yesNo = true;
      else if (this.no.has(bare)) u.yesNo = false;
      if (bare === '' || this.ack.has(bare)) {
        // 谢谢 / 好的: you are welcome; 请问一下 alone (noise words only, no thanks): what the bot can answer
        if (bare === '' && !this.ackWords.some((w) => raw.includes(w))) u.command = 'help';
        else u.ack = true;
        u.recognised = u.command === 'help';
        return u;
      }
    }

    // where a student studies: these place names are not where the family lives
    const studySpans = this.studySpans(text);
    const found = this.readWords(text, u, studySpans);
    const foreign = this.foreignRegion(text, u, found);
    const saidOrdinary = u.ordinary;
    this.readIdentities(text, u, ctx.today);
    this.readCollegeByPlace(text, u, studySpans);
    // 当兵 / 参军 said of someone who has left the army (退伍了, 1953年底前参军后在企业退休): not serving now
    if (u.identities.includes('serving_soldier') && u.identities.some((id) => FORMER_SOLDIER.includes(id))) u.identities = u.identities.filter((id) => id !== 'serving_soldier');
    // 我爸1953年底参军的: joined long ago, so left since (which kind of veteran, the notice's groups decide)
    else if (u.identities.includes('serving_soldier') && joinedLongAgo(text, this.relativeSubject.word)) u.identities = [...u.identities.filter((id) => id !== 'serving_soldier'), 'veteran'];
    // 原来在厂里交职工医保，现在辞职了: left that scheme (lexicon history.newLeaves), said of nobody now
    if (u.history === 'new' && this.newLeaves.size && u.identities.some((id) => this.newLeaves.has(id))) {
      for (const id of u.identities.filter((x) => this.newLeaves.has(x))) if (!u.negated.includes(id)) u.negated.push(id);
      u.identities = u.identities.filter((id) => !this.newLeaves.has(id));
    }
    // 交居民医保还是职工医保: a choice asked about, not what the person has
    if (u.identities.length && text.includes('还是')) u.identities = u.identities.filter((id) => !choiceAsked(text, found.known, id));
    // 我爸1950年参军，退伍后在企业退休: joined by 1953 and retired from an enterprise, as 二（二）4 names them
    if (text.includes('退') && ENTERPRISE_RETIRED.test(text)) {
      const y = JOINED_YEAR.exec(text);
      const year = y ? (y[1]!.length === 2 ? 1900 + Number(y[1]) : Number(y[1])) : null;
      if (year !== null && year <= TWO_CATEGORIES_BY) u.identities = [...u.identities.filter((id) => id !== 'veteran' && id !== 'serving_soldier'), 'two_categories'].filter((id, i, a) => a.indexOf(id) === i);
    }
    // 我儿子是一级残疾，在读小学: a severely disabled pupil is of 重度残疾学生和儿童, not of the adults
    if (u.identities.includes('severe_disabled_adult') && (u.identities.some((id) => CHILD_KINDS.includes(id)) || (CHILD_WORD.test(text) && !/成年|大人/.test(text)))) {
      u.identities = u.identities.map((id) => (id === 'severe_disabled_adult' ? 'severe_disabled_child' : id)).filter((id, i, a) => a.indexOf(id) === i);
    }
    // 学校那边没给他买医保 / 学校不给买: the lexicon's phrases said with other words between
    if (u.facts.insuredAtSchool === undefined && text.includes('学校') && NOT_INSURED_AT_SCHOOL.test(text)) u.facts.insuredAtSchool = false;
    // 我在大学当保安 / 在学校食堂打工: works at a school, is no student there
    const works = text.includes('学') ? WORKS_AT_SCHOOL.exec(text) : null;
    if (works && (!STUDYING.test(text) || (SELF_BEFORE.test(text.slice(0, works.index)) && !STUDY_VERB.test(text)))) {
      u.identities = u.identities.filter((id) => !SCHOOL_KINDS.includes(id));
    }

    const regionId = u.regionIds.length === 1 ? u.regionIds[0] : ctx.region;
    const notice = regionId ? this.rules.byId.get(regionId) : undefined;
    readTier(text, u, notice, ctx);
    if (ctx.asking !== 'tier' && u.tier === undefined && !text.includes('档')) readAmount(text, u);
    if (notice) this.readStudyPlace(text, u, notice, ctx, studySpans, found);
    if (notice) this.readHukou(text, u, notice);
    this.readPaidElsewhere(text, u);
    this.dropRelatives(text, u, found);
    const relative = this.relativeSubject.word.test(text);
    // 一家5口 / 一个特困一个低保 (two counts) / 我是特困，我老婆普通 (a relative of another kind) /
    // 我是低保户，我妈是特困户 (the asker and a relative, each of a kind: 就高原则 is for one person only)
    u.several =
      this.severalRe.test(text) ||
      (text.match(COUNTED_ONE)?.length ?? 0) >= 2 ||
      (saidOrdinary && u.identities.length > 0 && relative) ||
      (u.identities.length >= 2 && relative && SELF_SAID.test(text));
    const people = this.people(text, u, found);
    if (people) {
      u.people = people;
      if (people.length > 1) u.several = true;
    }
    u.alsoOrdinary = saidOrdinary && u.identities.length > 0;
    // 我老伴不是低保，我是 / 我是五保，老伴不是: one of two people has the category, the other not (ordinary)
    if (relative && (u.identities.length || u.negated.length) && OTHER_NOT.test(text) && this.twoPeople(text)) {
      if (!u.identities.length && SAID_YES.test(text)) {
        u.identities = u.negated;
        u.negated = [];
      }
      if (u.identities.length) {
        u.alsoOrdinary = true;
        u.several = true;
      }
    }
    // (我儿子在读大学 / 我妹妹在桂阳街道，她交多少: the question is about a relative)
    u.aboutRelative = relative;
    const a = this.alternative;
    // (那我妈呢她七十多了: 那…呢 first, then what the other one is)
    const askingOther = a.end.includes(text.replace(TRAILING_MARKS, '').slice(-1)) || (text.startsWith('那') && a.end.some((e) => text.slice(1, 8).includes(e)));
    const also = a.not.some((w) => text.includes(w));
    // 我也是低保户 / 还是残疾人: the same person again (a relative's 也是 is another person: 我老婆也是低保户)
    if (u.identities.length && also && !relative) u.also = true;
    if (u.identities.length || u.self) {
      // 那低保户呢 / 那我呢: another person than the one asked about; 我也是残疾人呢 is the same one
      if (askingOther && !also) u.alternative = true;
    } else if ((relative || THEY_ALONE.test(text)) && askingOther) {
      // 那我儿子呢 / 她呢: someone else, whose category is not said
      u.otherPerson = true;
      u.aboutRelative = true;
    }
    // 我家3口人，我老婆是低保，我和儿子是普通的: how many in all (a total when each one's kind is known)
    if (u.people || u.alsoOrdinary) {
      const h = HEADCOUNT.exec(text);
      const n = h ? cnNumber(h[1]!) : PAIR.test(text) ? 2 : null;
      if (n !== null && n >= 2 && n <= 20) u.householdSize = n;
    }
    // 我家4口人，都是普通人 / 5个人都交一档: how many, all of one kind
    if (u.several && text.includes('都')) {
      const h = HEADCOUNT.exec(text);
      const n = h ? cnNumber(h[1]!) : PAIR.test(text) ? 2 : null;
      if (n !== null && n >= 2 && n <= 20) u.headcount = n;
    }
    u.fiscal = this.fiscalRe.test(text);
    if (text.includes('天') && this.daysLeftRe.test(text)) {
      u.daysLeft = true;
      if (!u.topics.includes('deadline')) u.topics.push('deadline');
    }
    if (ctx.asking === 'insuredAtSchool' && u.facts.insuredAtSchool === undefined && u.yesNo !== undefined) {
      u.facts.insuredAtSchool = u.yesNo;
    }

    // channels of the known region
    if (notice && found.channels.length) u.channelIds = [...new Set(found.channels.filter((c) => c.region === notice.id).map((c) => c.id))];
    if (notice && found.notChannels) {
      // (没有微信: every channel with 微信 in its name or words, 微信生活缴费 and the 税务 公众号 alike)
      const words = found.notChannels;
      const not = notice.channels.filter((c) => !u.channelIds.includes(c.id) && words.some((w) => c.name.includes(w) || c.aliases.some((a) => a.includes(w))));
      // (没有微信怎么查交没交 asks something else: the other ways to pay are no answer to it)
      if (not.length && !u.undecidedTopics.length) {
        u.channelsNot = { ids: not.map((c) => c.id), words: [...new Set(words)] };
        if (!u.topics.includes('pay')) u.topics.push('pay');
      }
    }
    // 我不会用手机怎么交 / 老人机: every way but those paid in person (rules channels inPerson)
    if (notice && !u.channelsNot && !u.undecidedTopics.length && (text.includes('手机') || text.includes('上网')) && this.noPhoneRe.test(text)) {
      const ids = notice.channels.filter((c) => !c.inPerson && !u.channelIds.includes(c.id)).map((c) => c.id);
      if (ids.length < notice.channels.length) {
        u.channelsNot = { ids, words: ['手机'] };
        // (我不会弄手机，去哪交: 去哪交 asks the way to pay, not whether to)
        u.topics = [...u.topics.filter((x) => x !== 'who'), ...(u.topics.includes('pay') ? [] : ['pay' as const])];
      }
    }
    // 去银行柜台能交吗 / 哪里交现金 / 渝快办能交吗 (方太乡): a way of paying the notice does not list; another notice's
    // channel counts unless it holds a name of this notice's (微信缴费 in 桂阳街道 is its WeChat channel)
    const others = notice ? found.channelWords.filter(({ match }) => !this.listedIn(match, notice)) : [];
    if (notice && (found.means.length || others.length)) {
      for (const { match, used } of [...found.means, ...others]) {
        if (!used && !u.topics.includes('pay') && ctx.asking !== 'channel') continue;
        if (match.values.some((v) => v.k === 'channel' && v.region === notice.id)) continue;
        if (!u.unlistedMeans.includes(match.word)) u.unlistedMeans.push(match.word);
      }
    }
    if (u.undecidedTopics.length) for (const d of this.words.undecided) {
      if (d.unless?.some((x) => u.topics.includes(x))) u.undecidedTopics = u.undecidedTopics.filter((x) => !d.topics.includes(x));
    }
    // 过了怎么办 / 错过了还能交吗 (no day said; the days are read later, so the words are looked at): what paying
    // after each deadline means, window by window
    if (PAST_DEADLINE_HINT.test(text) && PAST_DEADLINE.test(text) && !findsDate(text)) {
      u.overview = true;
      // (过了还能交不: the windows after the deadline answer it, with the last day of paying)
      u.topics = [...u.topics.filter((x) => x !== 'deadline'), ...(u.topics.includes('cover') ? [] : ['cover' as const])];
    }
    // (asked 选哪一档, 选哪个 / 随便 / 不知道 is about the tiers: what the notice says of them, and the question again)
    if (ctx.asking === 'tier' && u.tier === undefined && TIER_UNSURE.test(text) && !u.undecidedTopics.includes('tier-benefit')) u.undecidedTopics.push('tier-benefit');
    // 有什么区别 is about the tiers only when a tier is named (12月交的和1月交的有什么区别 is about the dates)
    if (u.undecidedTopics.length && !text.includes('档') && u.tier === undefined && ctx.asking !== 'tier') u.undecidedTopics = u.undecidedTopics.filter((x) => !x.startsWith('tier'));
    // 低保户资助多少: that person's fee, which says the subsidy (资助 of nobody named: what the notice says of it)
    if (u.identities.length && u.undecidedTopics.includes('subsidy')) {
      u.undecidedTopics = u.undecidedTopics.filter((x) => x !== 'subsidy');
      if (!u.topics.includes('fee')) u.topics.push('fee');
    }
    // 到南昌看病能报吗 / 住院能报吗: being covered is not all of it; what is paid back the notice does not say
    if (text.includes('报') && MEDICAL.test(text) && !u.undecidedTopics.includes('reimbursement')) u.undecidedTopics.push('reimbursement');
    // 2025年交多少 / 2022年交了多少: another policy year than the notice's (the year before it, when its collection
    // period is, is a year of paying for it: 2023年交的 / 去年交的; 2023年度 is that policy year)
    // (去年断缴了 / 去年没交 tells what happened, it asks about no other year)
    if (notice && !u.history && !u.undecidedTopics.includes('next-year') && text.includes('年')) {
      const now = Number(ctx.today.slice(0, 4));
      for (const m of text.matchAll(YEAR_NAMED)) {
        const y = /^\d+$/.test(m[1]!) ? Number(m[1]) : now + (YEAR_WORD_SHIFT[m[1]!] ?? 0);
        // (2022年交过，今年交多少 / 2023年度是低保: that year said as what happened, the question is about another:
        // what is asked about it is in the words up to the next year named)
        const after = text.slice(m.index! + m[0].length);
        const next = after.search(ANOTHER_YEAR);
        const scope = next < 0 ? after : after.slice(0, next);
        // (去年解除监测了，交多少: what ended then, the question is about now)
        if (NOT_DONE_NEAR.test(scope.slice(0, 4)) || !YEAR_ASKED.test(scope) || ENDED_IN_YEAR.test(scope.split(/[，,。]/)[0]!)) continue;
        // (2023年的还能补交吗: that year's own fee, made up late, not a payment for this notice's year)
        const other = y > notice.policyYear || y < notice.policyYear - 1 || (y === notice.policyYear - 1 && (m[0].endsWith('度') || YEARS_OWN_ARREARS.test(after)));
        if (other && !u.undecidedTopics.includes('other-year')) u.undecidedTopics.push('other-year');
      }
    }
    if (notice && u.undecidedTopics.length) u.undecidedTopics = u.undecidedTopics.filter((x) => notice.undecided.some((d) => d.topic === x));

    u.unknownPlace = foreign ?? this.unknownPlace(text, found, studySpans);
    // 腊月二十 / 农历十二月二十: lunar days are not computed with (十二月二十 would be read as a solar day)
    if (this.lunarRe.test(text) || LUNAR_DAY.test(text) || (ctx.asking === 'paidOn' && LUNAR_DAY_ALONE.test(text))) u.lunar = true;
    else readDates(maskJoined(text), u, ctx, (t) => this.cueSpans(t), notice?.windows[0]?.from);
    if (!u.askedOn && !u.lunar && text.includes('月')) this.readAskedMonth(text, u, ctx.today);
    // 下个月交 / 上个月交的: that month, as if named
    const rm = !u.paidOn && !u.lunar && text.includes('月') ? RELATIVE_MONTH.exec(text) : null;
    if (rm && !PAID_MONTH.test(text)) {
      const shift = rm[1]!.startsWith('下') ? 1 : rm[1]!.startsWith('上') ? -1 : 0;
      const from = withMonthShift(ctx.today, shift);
      u.paidMonthOnly = true;
      u.paidMonth = { from, to: addDays(firstOfNextMonth(from), -1) };
      if (!u.topics.length) u.topics.push('cover');
    }
    const pm = !u.paidOn && !u.lunar && !u.paidMonth && text.includes('月') ? PAID_MONTH.exec(text) : null;
    if (pm) {
      u.paidMonthOnly = true;
      // (12月交的和1月交的有什么区别: two months compared, neither is the month paid in)
      if ((text.match(MONTH_NAMED_ALL)?.length ?? 0) === 1) {
        // (2024年7月交: the year said; 7月交的: the last July; 7月再交 / 还来得及: the next one; else the nearest)
        const year = YEAR_RIGHT_BEFORE.exec(text.slice(0, pm.index));
        const when = /[的了过]/.test(pm[2]!) ? 'past' : /^[再去才]/.test(pm[2]!) || PAY_LATER.test(text) ? 'future' : 'near';
        u.paidMonth = monthOfPayment(cnNumber(pm[1]!), year ? fullYear(Number(year[1]), ctx.today) : when, ctx.today);
      }
      // 12月交的和1月交的有什么区别: what paying in each window gives
      if (!u.topics.length) u.topics.push('cover');
    }
    if ((u.askedOn || u.askedMonth) && !u.topics.includes('cover')) u.topics.push('cover');
    // 我已经交了380 还要交吗: paid, and asks whether to pay again (not the fee)
    if (notice && !u.undecidedTopics.includes('paid-again') && (u.amountPaid || PAID_NO_DAY.test(text)) && PAY_AGAIN_ASKED.test(text) && !EARLIER_YEAR.test(text) && notice.undecided.some((d) => d.topic === 'paid-again')) {
      u.undecidedTopics.push('paid-again');
    }
    if (u.undecidedTopics.includes('paid-again')) u.topics = u.topics.filter((x) => x !== 'who' && x !== 'fee');
    // 我已经交了，今天住院能报不: when the cover starts depends on the day it was paid, which is not said
    if (!u.paidOn && !u.paidMonthOnly && !u.lunar && !u.paidDays && ctx.asking !== 'paidOn' && u.topics.includes('cover') && PAID_NO_DAY.test(text) && !PAID_NOT_SAID.test(text)) {
      u.paidNoDay = true;
    }
    // 1月31号交和2月1号交有区别吗: the difference is when the cover starts
    if (u.paidDays && !u.topics.length) u.topics.push('cover');
    this.readBirth(u, ctx.today);
    // 打算哪天缴费？——明年2月 / 下个月 / 过完年 / 腊月二十: no (solar) day to count from
    const vague = u.paidOn ? undefined : found.vague;
    if (ctx.asking === 'paidOn' && !u.paidOn && (u.lunar || MONTH_NAMED.test(text) || vague)) {
      u.dayMissing = true;
    } else if (vague && !u.lunar && !u.paidMonthOnly && !u.paidNoDay && !u.askedOn && !u.askedMonth) {
      // 国庆节交，什么时候能报销: not counted as paying today
      u.dayUnread = vague;
    }
    u.recognised = recognised(u) || !!u.dayMissing;
    // 交医保 / 我想问问医保的事: nothing to go on yet, but a question is coming: the dialogue asks what it needs
    if (!u.recognised && !hanMoreThan(text, OPENER_MAX) && this.openers.some((w) => text.includes(w))) u.recognised = true;
    return u;
  }

  /** whether a channel word found is (or holds) a name of one of the notice's own channels */
  private listedIn(match: Match<Tag>, notice: Notice): boolean {
    // (江西税务公众号 in 桂阳街道 holds 公众号, but names another province: not its 重庆税务 公众号)
    if (this.rules.notices.some((n) => n !== notice && n.region.provinceNames.some((p) => match.word.includes(p) && !notice.region.provinceNames.includes(p)))) return false;
    return notice.channels.some((c) => c.aliases.some((a) => match.word.includes(a)));
  }

  /** 在重庆读大学 / 重庆的大学: where a student studies, and the province of the place named */
  private studySpans(text: string): StudySpan[] {
    const spans: StudySpan[] = [];
    if (STUDY_HINT.test(text)) for (const m of text.matchAll(this.studyRe)) {
      const word = m[1] ?? m[2] ?? m[3]!;
      spans.push({ start: m.index, end: m.index + m[0].length, province: this.provinceOf.get(word)! });
    }
    return spans;
  }

  /** where the date cue words are (read only when the text has a date) */
  private cueSpans(text: string): CueSpans {
    const spans: CueSpans = { birth: [], after: [], before: [], paid: [], asked: [] };
    for (const m of this.cues.scan(text)) for (const c of m.values) spans[c].push(m);
    return spans;
  }

  /** Every word of the lexicon in the text, into `u`; returns the names found. */
  private readWords(text: string, u: Understanding, studySpans: StudySpan[]): Found {
    const found: Found = { places: [], known: [], channels: [], means: [], channelWords: [] };
    let negEnd = -10;
    // 能用支付宝交吗: a channel right after 能用/用 is asked about as a way to pay; 能用 is then no question about cover
    let useEnd = -10;
    let channelUsed = false;
    let coverOtherwise = false;
    // 去银行柜台能交吗: 能交吗 after such a channel asks whether one can pay that way, not until when (channelAsk)
    let deadlineOtherwise = false;
    let deadlineWord = false;
    // 云闪付能交吗 / 渝快办可以交吗: a way of paying right before 能交吗 is asked about too (the last one named)
    let lastWay: { end: number; entries: { used: boolean }[] } | undefined;
    /** a way of paying named (a channel, a payMeans word): kept in `list`, and as the last one named */
    const way = (list: { match: Match<Tag>; used: boolean }[], m: Match<Tag>, used: boolean) => {
      const entry = { match: m, used };
      list.push(entry);
      // 村干部来收钱: ways named one right after another are asked about together
      if (lastWay && lastWay.end !== m.end && m.start - lastWay.end <= 1) lastWay.end = m.end;
      else if (lastWay?.end !== m.end) lastWay = { end: m.end, entries: [] };
      lastWay.entries.push(entry);
      if (used) channelUsed = true;
    };
    // 能不能交现金 / 可以交支付宝吗: a way of paying right after 能不能交 is asked about too
    let askEnd = -10;
    for (const m of this.trie.scan(text)) {
      const used = m.start - useEnd <= 1 || m.start - askEnd <= 1;
      for (const tag of m.values) {
        switch (tag.k) {
          case 'region':
            found.known.push(m);
            if (!u.regionIds.includes(tag.id)) u.regionIds.push(tag.id);
            if (tag.typo) u.regionTypo = m.word;
            break;
          case 'broad': {
            found.known.push(m);
            if (overlaps(m, studySpans)) break;
            const b = u.broad.find((x) => x.word === m.word);
            if (b) b.regionIds.push(tag.id);
            else u.broad.push({ word: m.word, regionIds: [tag.id] });
            break;
          }
          case 'place':
            found.places.push(m);
            break;
          case 'identity': {
            found.known.push(m);
            const negated = m.start - negEnd <= 2 || ENDED_AFTER.test(text.slice(m.end, m.end + 14));
            // 低保是什么意思 / 不晓得是不是低保: asked about, not said of anyone
            if (!negated && unsureOf(text, m)) {
              if (!u.unsure.includes(tag.id)) u.unsure.push(tag.id);
              break;
            }
            const list = negated ? u.negated : u.identities;
            if (!list.includes(tag.id)) list.push(tag.id);
            break;
          }
          case 'ordinary':
            if (m.start - negEnd > 2) u.ordinary = true;
            break;
          case 'topic':
            if (!u.topics.includes(tag.topic)) u.topics.push(tag.topic);
            if (tag.topic === 'cover' && !m.values.some((v) => v.k === 'channelUse')) coverOtherwise = true;
            if (tag.topic === 'deadline') {
              if (m.values.some((v) => v.k === 'channelAsk')) deadlineWord = true;
              else deadlineOtherwise = true;
            }
            break;
          case 'surcharge':
            u.surchargeAsked = true;
            break;
          case 'overview':
            // 现在交多久能用: paying now, a day to count from
            if (!text.includes('现在')) u.overview = true;
            break;
          case 'means':
            // (户口在村里 / 住在社区: where someone is registered or lives, not a way of paying)
            if (PLACE_OF_LIVING.test(text.slice(Math.max(0, m.start - 3), m.start))) break;
            way(found.means, m, used);
            break;
          case 'vague':
            found.vague ??= m.word;
            break;
          case 'channelUse':
            useEnd = m.end;
            break;
          case 'undecided':
            for (const x of tag.topics) if (!u.undecidedTopics.includes(x)) u.undecidedTopics.push(x);
            break;
          case 'negation':
            negEnd = m.end;
            break;
          case 'correction':
            u.correction = true;
            break;
          case 'self':
            u.self = true;
            break;
          case 'command':
            // a command counts only when it is (nearly) the whole message
            if (text.length <= m.word.length + 4) u.command ??= tag.cmd;
            break;
          case 'history':
            u.history ??= tag.h;
            break;
          case 'insured':
            u.facts.insuredAtSchool = tag.v;
            break;
          case 'outside':
            u.facts.studyInProvince = false;
            break;
          case 'channel': {
            found.known.push(m);
            if (PLACE_OF_LIVING.test(text.slice(Math.max(0, m.start - 3), m.start))) break;
            // 我没有微信 / 不会用微信: a way the resident cannot use (the others are what they need)
            if (m.start - negEnd <= 2 || NO_USE_BEFORE.test(text.slice(Math.max(0, m.start - 4), m.start))) {
              (found.notChannels ??= []).push(m.word);
              break;
            }
            found.channels.push(tag);
            way(found.channelWords, m, used);
            break;
          }
          case 'channelAsk':
            askEnd = m.end;
            if (lastWay && m.start - lastWay.end <= 1) {
              for (const e of lastWay.entries) e.used = true;
              channelUsed = true;
            }
            break;
        }
      }
    }
    // 还没上户口能交吗: whether one may, which the notice leaves open, not until when
    if ((channelUsed || u.undecidedTopics.length) && deadlineWord && !deadlineOtherwise) u.topics = u.topics.filter((x) => x !== 'deadline');
    if (channelUsed) {
      if (!coverOtherwise) u.topics = u.topics.filter((x) => x !== 'cover');
      if (!u.topics.includes('pay')) u.topics.push('pay');
    }
    return found;
  }

  /** who the person is, beyond the names of the lexicon: negations, an age, a newborn, a freshman */
  private readIdentities(text: string, u: Understanding, today: IsoDate) {
    // identities that were also negated ("不是低保，是特困") keep only the positive mention
    if (u.negated.length) u.negated = u.negated.filter((id) => !u.identities.includes(id));

    // age: 65岁 / 70多岁 / 今年65了 / 快70了 / 年满60 → the category the catalogue gives that age (60周岁以上老年人)
    // (明年3月满60岁: not yet that age)
    if (text.includes('岁')) {
      for (const m of text.matchAll(AGE)) {
        const before = text.slice(Math.max(0, m.index - 10), m.index);
        const later = FUTURE_AGE.test(before) || yearToCome(before, today);
        this.addAge(u, m[2]!, !!m[1] || later);
        // 明年3月满60岁: the category that age brings, reached within the year
        const n = later ? cnNumber(m[2]!) : null;
        if (n !== null) u.reachesLater = this.byAge.find((x) => n >= x.fromAge && n - 1 < x.fromAge)?.id;
      }
    }
    if (text.includes('了')) for (const m of text.matchAll(AGE_NOW)) this.addAge(u, m[2]!, !!m[1]);
    if (text.includes('年满') || text.includes('年过')) {
      for (const m of text.matchAll(AGE_REACHED)) if (!yearToCome(text.slice(Math.max(0, m.index - 10), m.index + 2), today)) this.addAge(u, m[1]!, false);
    }
    // 还没生 / 明年3月生: a child to come, whose birthday is not known yet
    if (text.includes('生') || text.includes('孕') || text.includes('肚')) {
      if (this.unbornRe.test(text)) {
        u.unborn = true;
        if (!u.identities.includes('newborn')) u.identities.push('newborn');
      }
    }
    // 宝宝11月出生的 / 小孩2024年4月10日刚出生 (not 孩子2015年出生的: a year long past is no newborn)
    if (!u.identities.includes('newborn') && !u.negated.includes('newborn') && this.birthWord.test(text)) {
      for (const m of text.matchAll(this.newbornRe)) {
        const years = [...m[1]!.matchAll(YEAR)].map((y) => fullYear(Number(y[1]), today));
        if (years.some((y) => y <= Number(today.slice(0, 4)) - NEWBORN_YEARS)) continue;
        u.identities.push('newborn');
        if (years.length === 1) u.bornYear = years[0];
        break;
      }
    }
    // 刚考上重庆的大学 / 今年考进了大学
    if (FRESHMAN_HINT.test(text) && FRESHMAN.test(text) && !u.identities.includes('college_freshman') && !u.negated.includes('college_freshman')) u.identities.push('college_freshman');
    // 大学新生 is also a 高校大学生
    if (u.identities.includes('college_freshman')) u.identities = u.identities.filter((i) => i !== 'college_student');
    if (u.identities.length) u.ordinary = false;
  }

  /** 5月份住院能报吗: the month asked about, in the year nearest today */
  private readAskedMonth(text: string, u: Understanding, today: IsoDate) {
    const m = this.monthAskedRe.exec(text);
    const month = m ? cnNumber(m[1]!) : null;
    if (month === null || month < 1 || month > 12) return;
    const from = nearest(iso(Number(today.slice(0, 4)), month, 1), today);
    u.askedMonth = { from, to: addDays(firstOfNextMonth(from), -1) };
  }

  /** an age said in words (`notYet`: 快70 is not yet 70) → the category the catalogue gives that age */
  private addAge(u: Understanding, said: string, notYet: boolean) {
    const n = cnNumber(said);
    if (n === null || n >= MAX_AGE) return;
    this.addAgeYears(u, notYet ? n - 1 : n);
  }

  /** an age in years → the category the catalogue gives that age */
  private addAgeYears(u: Understanding, age: number) {
    if (this.atAge.size) {
      u.identities = u.identities.map((id) => {
        const a = this.atAge.get(id);
        return a && age >= a.from ? a.id : id;
      });
    }
    const by = this.byAge.find((x) => age >= x.fromAge);
    if (by && !u.identities.includes(by.id)) u.identities.push(by.id);
  }

  /** a birthday read: a child born lately is a newborn; an older birthday is an age (1958年3月5日出生 → 60岁以上) */
  private readBirth(u: Understanding, today: IsoDate) {
    if (!u.bornOn) return;
    const age = fullYears(u.bornOn, today);
    if (age >= NEWBORN_YEARS) {
      u.bornOn = undefined;
      u.identities = u.identities.filter((i) => i !== 'newborn');
      this.addAgeYears(u, age);
    } else if (!u.identities.includes('newborn')) u.identities.push('newborn');
    if (u.identities.length) u.ordinary = false;
  }

  /**
   * 我老公在单位有职工医保，我没工作，我怎么交: an identity said of a relative (lexicon relativeSubject), then a
   * clause about the asker (我…, not 帮他/给她), is the relative's, not the asker's
   */
  /**
   * Each person's categories, when two or more people are named each with their own: a person is named by a
   * relative word (我老婆, 儿子) or by 我是 / 我自己, and a category belongs to the person named last before it (to
   * the first one when it comes before all). A category read without a place in the text (新生儿 from 刚出生) is a
   * person of its own. Undefined for one person of one category, or people all of one kind.
   */
  private people(text: string, u: Understanding, found: Found): string[][] | undefined {
    if (u.identities.length < 2) return undefined;
    // (一个孩子读初中，一个孩子读大学: people counted, not told apart by their names)
    if ((text.match(COUNTED_ONE)?.length ?? 0) >= 2) return undefined;
    // each place a person is named, and who (孩子…孩子 / 我是…我自己 is one person named twice)
    const starts = [...text.matchAll(this.personRe)]
      // (我是吃低保的老人家: a person word after 是…的 says what the person is, it names nobody new)
      .filter((m) => !(m.index! > 0 && text[m.index! - 1] === '的' && !m[0].startsWith('我') && !this.relativeSubject.word.test(m[0]) && PREDICATE_BEFORE.test(text.slice(0, m.index!))))
      .map((m) => ({ at: m.index!, who: m[0].startsWith('我') && !this.relativeSubject.word.test(m[0]) ? '我' : m[0] }));
    if (starts.length < 2) return undefined;
    const whoAt = (at: number) => {
      let p = 0;
      while (p + 1 < starts.length && starts[p + 1]!.at <= at) p++;
      return starts[p]!.who;
    };
    const groups = new Map<string, string[]>();
    const placed = new Set<string>();
    for (const m of found.known) {
      for (const tag of m.values) {
        if (tag.k !== 'identity' || !u.identities.includes(tag.id)) continue;
        const who = whoAt(m.start);
        const g = groups.get(who) ?? [];
        groups.set(who, g);
        if (!g.includes(tag.id)) g.push(tag.id);
        placed.add(tag.id);
      }
    }
    // a category an age gives (她今年72岁): the person named last before the age
    const age = text.includes('岁') ? /\d{2,3}\s*多?\s*(?:周岁|岁)|[一二三四五六七八九]?十[一二三四五六七八九]?\s*多?\s*(?:周岁|岁)/.exec(text) : null;
    for (const id of u.identities) {
      if (placed.has(id) || !age || !this.byAge.some((x) => x.id === id)) continue;
      const who = whoAt(age.index);
      const g = groups.get(who) ?? [];
      groups.set(who, g);
      if (!g.includes(id)) g.push(id);
      placed.add(id);
    }
    const list = [...groups.values()];
    for (const id of u.identities) if (!placed.has(id)) list.push([id]);
    // 我老婆是低保，我妈也是低保: two people of one kind answer as one
    const distinct = [...new Map(list.map((g) => [[...g].sort().join(), g])).values()];
    // (one person of several categories beside an ordinary one, 我妈七十多岁是低保户，我爸是普通的: kept, as that person)
    return distinct.length >= 2 || (distinct.length === 1 && distinct[0]!.length > 1) ? distinct : undefined;
  }

  private dropRelatives(text: string, u: Understanding, found: Found) {
    const rs = this.relativeSubject;
    if (!u.identities.some((id) => rs.identities.has(id)) || !rs.word.test(text)) return;
    const clauses = text.split(CLAUSE_SPLIT);
    let at = 0;
    const spans = clauses.map((c) => {
      const span = { start: at, end: at + c.length, text: c };
      at += c.length + 1;
      return span;
    });
    for (const m of found.known) {
      for (const tag of m.values) {
        if (tag.k !== 'identity' || !rs.identities.has(tag.id)) continue;
        const i = spans.findIndex((c) => m.start >= c.start && m.start < c.end);
        if (i < 0) continue;
        const before = text.slice(spans[i]!.start, m.start);
        // whose it is: a relative's (我老公有职工医保), or the asker's own (我是退休职工有职工医保)
        const whose = rs.word.exec(before)?.[0] ?? (before.includes('我') ? '我' : null);
        if (!whose) continue;
        // a later clause about someone else: the asker (我没工作), another relative (我妈没有), a relative after 我 (老伴没有)
        const other = (c: string) => {
          const r = rs.word.exec(c);
          return r ? r[0] !== whose : whose !== '我' && c.includes('我') && !rs.notSelf.test(c);
        };
        if (spans.slice(i + 1).some((c) => other(c.text))) {
          u.identities = u.identities.filter((id) => id !== tag.id);
        }
      }
    }
  }

  /** 在学校交了 / 在外地交了医保: already paid somewhere else (not 学校没交家里交了) */
  private readPaidElsewhere(text: string, u: Understanding) {
    if (u.facts.insuredAtSchool) u.paidElsewhere = true;
    else if (this.paidVerb.test(text)) for (const m of text.matchAll(this.paidElsewhereRe)) {
      if (NOT_DONE.test(m[1]!) || (u.facts.insuredAtSchool === false && m[0].startsWith('学校'))) continue;
      u.paidElsewhere = true;
      break;
    }
  }

  /**
   * 户口在四川 / 外地户口: the household is registered elsewhere (a fact some rules turn on), and that identity;
   * 在深圳打工: living elsewhere
   */
  private readHukou(text: string, u: Understanding, notice: Notice) {
    const home = this.homeNames.get(notice.id)!;
    if (text.includes('户')) {
      const m = this.hukouRe.exec(text);
      if (m && !home.has(m[1]!) && !u.identities.includes(this.hukouIdentity)) u.identities.push(this.hukouIdentity);
      // 外县户口 / 户籍不在本县 / 不是本地户口
      else if (FOREIGN_HUKOU.test(text) && !u.identities.includes(this.hukouIdentity)) u.identities.push(this.hukouIdentity);
    }
    if (u.identities.includes(this.hukouIdentity)) u.facts.localHukou = false;
    if (u.negated.includes(this.permitIdentity)) u.facts.residencePermit = false;
    if (!u.identities.includes(this.awayIdentity) && !u.negated.includes(this.awayIdentity) && this.awayVerb.test(text)) {
      const m = this.awayRe.exec(text);
      if (m && !home.has(m[1]!)) u.identities.push(this.awayIdentity);
    }
  }

  /** 在重庆大学城读书 / 在重庆读书的大学生: a place of study and a university mentioned → a 高校大学生 */
  private readCollegeByPlace(text: string, u: Understanding, studySpans: StudySpan[]) {
    if (!studySpans.length || !this.collegeWords.test(text)) return;
    if (STUDENTS.some((id) => u.identities.includes(id) || u.negated.includes(id))) return;
    u.identities.push('college_student');
    u.ordinary = false;
  }

  /** where a university student studies */
  private readStudyPlace(text: string, u: Understanding, notice: Notice, ctx: UnderstandContext, studySpans: StudySpan[], found: Found) {
    if (u.facts.studyInProvince !== undefined) return;
    const inProvince = (p: string) => notice.region.provinceNames.includes(p);
    if (studySpans.length) u.facts.studyInProvince = inProvince(studySpans[0]!.province);
    else if (ctx.asking === 'studyInProvince') {
      const named = [...found.places, ...found.known].map((m) => this.provinceOf.get(m.word)).find((p) => p !== undefined);
      if (named !== undefined) u.facts.studyInProvince = inProvince(named) !== NOT_IN.test(text);
      else if (u.yesNo !== undefined) u.facts.studyInProvince = u.yesNo;
    }
  }

  /** two different people are named (我老伴不是低保，我是: 老伴 and 我; not 我老婆不是低保，是特困) */
  private twoPeople(text: string): boolean {
    const who = new Set<string>();
    for (const m of text.matchAll(this.personRe)) who.add(m[0].startsWith('我') && !this.relativeSubject.word.test(m[0]) ? '我' : m[0]);
    if (ASKER_CLAUSE.test(text)) who.add('我');
    return who.size >= 2;
  }

  /** a place we do not cover (not where a student studies, not a name we know) */
  private unknownPlace(text: string, found: Found, studySpans: StudySpan[]): string | null {
    const { places } = found;
    const outsideStudy = studySpans.length ? places.filter((m) => !overlaps(m, studySpans)) : places;
    // 湖南桂阳县: an address runs from large to small, so take the smallest of adjacent names
    let place = outsideStudy[0];
    for (let i = 1; i < outsideStudy.length; i++) if (place && outsideStudy[i]!.start <= place.end + 1) place = outsideStudy[i];
    return place
      ? place.word + (PLACE_SUFFIX.exec(text.slice(place.end))?.[0] ?? '')
      : this.findUnknownPlace(text, [...found.known, ...places, ...studySpans]);
  }

  /**
   * 湖南桂阳 / 广东方太乡 / 江西桂阳: a province or city right before a region's name that is not where that region
   * is. That is another place of the same name: the region is dropped, and the whole name is the unknown place.
   */
  private foreignRegion(text: string, u: Understanding, found: Found): string | undefined {
    let foreign: string | undefined;
    for (const m of found.known) {
      const tag = m.values.find((v) => v.k === 'region');
      if (!tag || tag.k !== 'region') continue;
      const n = this.rules.byId.get(tag.id);
      if (!n) continue;
      const conflicts = (p: Match<Tag>) =>
        p.values.some((v) => v.k === 'place' && !n.region.provinceNames.includes(v.province)) ||
        (p.values.some((v) => v.k === 'broad' && v.id !== tag.id) && !p.values.some((v) => v.k === 'broad' && v.id === tag.id));
      // (right before it, or with 省 / 市 / 的 between: 我在重庆，方太乡… is two clauses)
      const before = [...found.places, ...found.known].find((p) => p !== m && p.end <= m.start && /^[省市县]?的?$/.test(text.slice(p.end, m.start)) && conflicts(p));
      if (!before) continue;
      u.regionIds = u.regionIds.filter((x) => x !== tag.id);
      foreign ??= before.word + m.word;
    }
    return foreign;
  }

  /** 某某县 / 某某镇 / 某某区 that is none of the names we know */
  private findUnknownPlace(text: string, taken: { start: number; end: number }[]): string | null {
    const found: { at: number; name: string }[] = [];
    for (const [re, strict, hint] of PLACE_PATTERNS) {
      if (!hint.test(text)) continue;
      for (const m of text.matchAll(re)) {
        const span = { start: m.index, end: m.index + m[0].length };
        if (overlaps(span, taken)) continue;
        if (this.words.notPlaces.some((w) => m[0].includes(w))) continue;
        const name = m[1]!.replace(PLACE_LEAD, '');
        if (name.length < 2) continue;
        if (strict && PLACE_STOP.test(name)) continue;
        found.push({ at: m.index + (m[1]!.length - name.length), name: name + m[2] });
      }
    }
    found.sort((a, b) => a.at - b.at);
    return found[0]?.name ?? null;
  }
}

/** tier: 一档 / 2档 / 「<amount>那档」, matched against the tier amounts in rules/ (and a bare amount when the tier is asked) */
function readTier(text: string, u: Understanding, notice: Notice | undefined, ctx: UnderstandContext) {
  // TIER and TIER_AMOUNT both end in 档; a bare amount counts only when the tier is asked
  const saysTier = text.includes('档');
  if (!saysTier && !(notice && ctx.asking === 'tier')) return;
  const tiers = new Set<number>();
  if (saysTier) for (const m of text.matchAll(TIER)) tiers.add(m[1] === '一' || m[1] === '1' ? 1 : 2);
  if (notice) {
    if (!tiers.size && saysTier) tiersByAmount(text, TIER_AMOUNT, notice, tiers);
    if (!tiers.size && ctx.asking === 'tier') tiersByAmount(text, BARE_AMOUNT, notice, tiers);
  }
  if (tiers.size === 1) u.tier = [...tiers][0];
  if (notice && u.tier !== undefined && !notice.tiers.some((t) => t.id === u.tier)) {
    // 方太乡二档: there is no such tier; say what the notice says about tiers
    delete u.tier;
    if (!u.topics.includes('tier')) u.topics.push('tier');
  }
}

/** a cue word starting within `before` characters before the date or `after` characters after it */
function near(at: Span[], d: FoundDate, before: number, after: number): boolean {
  return at.some((c) => c.start >= d.index - before && c.start <= d.end + after);
}

/** clause punctuation: a cue on the other side of it says nothing about the date */
const CLAUSE_BREAK = /[，,。；;！!？?]/;
/** how far a birth cue may stand from its date: 出生日期是|2024年4月10日, 2024年4月10日|刚刚|出生 */
const CUE_GAP_BEFORE = 4;
const CUE_GAP_AFTER = 3;

/** how many characters stand between the date and the nearest cue attached to it (no clause break between), or Infinity */
function attached(cues: Span[], d: FoundDate, text: string, dates: FoundDate[] = []): number {
  let best = Infinity;
  for (const c of cues) {
    const before = c.end <= d.index;
    const gap = before ? d.index - c.end : c.start >= d.end ? c.start - d.end : Infinity;
    if (gap > (before ? CUE_GAP_BEFORE : CUE_GAP_AFTER) || gap >= best) continue;
    // 1月20号交的 4月20号能报吗: a cue right after an earlier date is that date's
    if (before && dates.some((o) => o !== d && o.end <= c.start && c.start - o.end <= CUE_GAP_AFTER)) continue;
    if (!CLAUSE_BREAK.test(before ? text.slice(c.end, d.index) : text.slice(d.end, c.start))) best = gap;
  }
  return best;
}

/**
 * dates: a birthday when 出生 / 生的… is attached to it (or when the birthday is asked), else the day of payment
 * (the day after, near 之后; the day before, right before 前). `firstPay`: the first day of payment of the notice
 * asked about (a day paid already is not before it).
 */
function readDates(text: string, u: Understanding, ctx: UnderstandContext, cueSpans: (text: string) => CueSpans, firstPay?: IsoDate) {
  const dates = findDates(text, ctx.today);
  if (!dates.length) return;
  const { birth, after, before, paid, asked } = cueSpans(text);
  // the day of payment: one said with 交的 / 交了 before any other
  let paidCued = false;
  /** each date's day once its year is settled */
  const resolved = new Map<FoundDate, IsoDate>();
  let askedYearless = false;
  for (const d of dates) {
    const toBirth = attached(birth, d, text, dates);
    const toPaid = attached(paid, d, text, dates);
    const isBirth = toBirth < Infinity ? toBirth < toPaid : ctx.asking === 'bornOn' && !near(paid, d, 3, 3);
    if (isBirth) {
      u.bornOn = d.yearCertain ? d.date : latestPast(d.date, ctx.today);
      continue;
    }
    // 是不是9月30号截止了 / 12月31日结束吗: a deadline named, not a day of paying (the payment is then today's)
    // (12月31号截止前交的 / 截止那天交的: a payment on or before it, counted from that day)
    if (DEADLINE_AFTER.test(text.slice(d.end, d.end + 5)) && !DEADLINE_PAID.test(text.slice(d.end, d.end + 10))) continue;
    // (10月1号还能交不, asked in March: a day still to come, not last October's)
    let base = d.yearCertain ? d.date : nearest(d.date, ctx.today);
    // (3月10号还能交吗, asked on 3月15日, is about those days just past)
    // (7月10号交要多少钱, asked in November: 交 without 的 / 了 is a payment still to make, so next July)
    // (6月30号以后交: the same, past 以后 / 之前; 缴费的 / 交完 / 交费成功 / 交给村干部了 are payments made)
    const next = text.slice(d.end, d.end + 14).replace(AROUND_DAY, '');
    const pay = PAY_NEXT.exec(next);
    const toPay = !!pay && !DONE_AFTER_PAY.test(next.slice(pay[0].length));
    if (!d.yearCertain && daysBetween(base, ctx.today) > STILL_TO_PAY_PAST && (toPay || STILL_TO_PAY.test(text))) {
      base = withYear(d.date, Number(ctx.today.slice(0, 4)) + (d.date.slice(5) < ctx.today.slice(5) ? 1 : 0));
    }
    // 12月5号交的, asked in June: paid already, so the last 12月5日, not the coming one
    // (not before the notice's first day of payment: 一月十号交的, said in November, is the coming one)
    if (!d.yearCertain && base > ctx.today && PAID_ALREADY.test(text.slice(d.end, d.end + 4))) {
      const past = latestPast(d.date, ctx.today);
      if (firstPay && past >= firstPay) base = past;
    }
    resolved.set(d, base);
    // 6月1号住院能报吗 / 4月14号能用吗 / 今天住院能报吗: a day asked about (the words right after it, not 交的)
    // (10月5日交还有用吗: a paying word between makes it the day of payment)
    // (住院是7月8号: the words may also stand right before it)
    const askedNear = (c: Span) =>
      c.start >= d.end
        ? c.start <= d.end + ASKED_GAP && !BETWEEN_ASKED.test(text.slice(d.end, c.start))
        : c.end <= d.index && c.end >= d.index - ASKED_GAP && !BETWEEN_ASKED.test(text.slice(c.end, d.index));
    if (toPaid === Infinity && asked.some(askedNear)) {
      // 交的…90天后是几号: counted from the payment, not from today; the cover line answers it
      if (!DAYS_LATER.test(text.slice(d.index, d.end))) {
        u.askedOn = base;
        askedYearless = !d.yearCertain;
      }
      continue;
    }
    // 今天交，是从2月1号开始还是90天后: the first day said is the payment, unless a later one is said with 交的,
    // or right before paying (今天不交，明天交行不行)
    const paying = toPaid < Infinity || PAY_NEXT.test(text.slice(d.end, d.end + 3));
    if (!paying && (paidCued || u.paidOn !== undefined)) continue;
    paidCued ||= paying;
    // 元旦前 / 3月1日之前: the day before (the cue right after the date, not a 前 of the date's own words)
    const ahead = before.some((c) => c.start >= d.end && c.start <= d.end + 1);
    if (ahead) u.paidOn = addDays(base, -1);
    else if (near(after, d, 3, 3) && !near(paid, d, 0, 3)) {
      // 过了12月31号还能交吗: the first day after; said when that day is past (过了12月31号才交), paying now
      const next = addDays(base, 1);
      u.paidOn = next < ctx.today ? ctx.today : next;
    } else u.paidOn = base;
    // 我老婆1月15号交的，我2月20号交的 / 1月31号交和2月1号交有区别吗: every day of payment, for an answer per payment
    if ((toPaid < Infinity || (paying && COMPARE.test(text))) && !u.paidDays?.includes(u.paidOn)) (u.paidDays ??= []).push(u.paidOn);
  }
  // 3月1号交的，6月1号住院能报吗 (asked in November): a day asked about with no year is not before the payment
  if (askedYearless && u.askedOn && u.paidOn && u.askedOn < u.paidOn) {
    const later = withYear(u.askedOn, Number(u.askedOn.slice(0, 4)) + 1);
    if (later >= u.paidOn) u.askedOn = later;
  }
  // 3月5号到10号之间交的: a range of days to pay in, each end answered (the cover differs)
  for (let i = 0; i + 1 < dates.length; i++) {
    const [a, b] = [dates[i]!, dates[i + 1]!];
    const ra = resolved.get(a);
    const rb = resolved.get(b);
    if (ra && rb && ra < rb && RANGE_GAP.test(text.slice(a.end, b.index))) {
      u.paidOn = ra;
      u.paidDays = [ra, rb];
      break;
    }
  }
  if (u.paidDays && u.paidDays.length < 2) delete u.paidDays;
}
/** what stands between the two ends of a range of days (3月5号到10号) */
const RANGE_GAP = /^\s*(?:到|至|~|～|-|—|或者|或)\s*$/;

/** 有区别吗 / 哪个好: two days of payment compared */
const COMPARE = /区别|不一样|不同|哪个好|哪个划算|差别/;
/** what may not stand between a day and the words asking about it: a clause break, or paying (3月1日交，能用吗) */
const BETWEEN_ASKED = /[，,。；;！!？?交缴付]/;
const CLAUSE_SPLIT = /[，,。；;！!？?]/;
/** 4口人 / 五个人 / 5个: the number of people in a household */
/** 她呢 / 那他呢: another person, named by nothing else */
const THEY_ALONE = /^那?[她他]们?(?:的|家|屋头)?呢/;
/** two people said as a pair (我和老婆, 我们俩, 夫妻俩) */
const PAIR = /我和(?:老伴|老婆|老公|爱人|媳妇|丈夫|妻子)(?!的)|我们俩|我们两个|我俩|夫妻俩|夫妻两个|两口子/;
const HEADCOUNT = /(\d{1,2}|[两二三四五六七八九十])\s*(?:口人|口|个人)/;
/** 一个 / 两个 / 3个: a count of people, said twice for several kinds of people */
const COUNTED_ONE = /[一两二三四五六七八九\d]个(?!月|星期|礼拜|档|小时)/g;
/** 明天交 / 明天再交: paying right after the day */
const PAY_NEXT = /^\s*[再才去就]?[交缴]/;
/** 90天后 / 三天以后: a day counted from today */
const DAYS_LATER = /天(?:以)?后$/;
/** how far after a date the words asking about it may start: 6月1号|住院能报吗, 元旦|那天|住院 */
const ASKED_GAP = 3;

/** an opening (交医保) longer than this many Chinese characters holds a question the bot did not understand */
const OPENER_MAX = 12;

/** the asker says what they are (我是低保户, 我自己是特困): with a relative of another kind, two people */
/** 我 as the subject of its clause (我不是，我老婆是 / 我是低保): the asker is one of the people */
const ASKER_CLAUSE = /(?:^|[，,。；;\s乡镇道区县])我(?=不是|不算|没有|是|才是|也是|倒是|自己|本人)/;
/** 是… right before a person word with 的 (我是吃低保的老人家): the clause so far says what someone is */
const PREDICATE_BEFORE = /是[^，,。；;！!？?]*的$/;
/** a clause that is only 我是 / 我是的 (我老伴不是低保，我是): the category just said, of the asker */
const SAID_YES = /(?:^|[，,。；;\s])(?:我|我的?)?(?:老伴|老婆|老公|爱人|媳妇|丈夫|妻子|我爸|我妈|儿子|女儿|孩子|我)(?:才|倒|还)?是(?:的)?(?:[，,。；;\s]|$)/;
/** a clause that denies a person the category said (我是低保，我老伴不是 / 老伴不是五保 / 我不是，我老婆是) */
const OTHER_NOT = /(?:^|[，,。；;\s]|老伴|老婆|老公|爱人|媳妇|丈夫|妻子|我爸|我妈|儿子|女儿|孩子|我|他|她)(?:不是|不算|没有)[\u4e00-\u9fff]{0,4}?(?:[，,。；;\s]|$)/;
const SELF_SAID = /我(?:自己|本人)?(?:也)?(?:是|属于|算|家是)/;

/** question marks and the like at the end of a message (那低保户呢？) */
const TRAILING_MARKS = /[\s?？!！。.~～…]+$/;

/** anything at all recognised */
function recognised(u: Understanding): boolean {
  return (
    u.regionIds.length > 0 ||
    u.broad.length > 0 ||
    !!u.unknownPlace ||
    u.identities.length > 0 ||
    u.negated.length > 0 ||
    u.unsure.length > 0 ||
    u.ordinary ||
    !!u.unborn ||
    !!u.self ||
    !!u.otherPerson ||
    u.topics.length > 0 ||
    u.undecidedTopics.length > 0 ||
    !!u.command ||
    u.tier !== undefined ||
    !!u.paidOn ||
    !!u.askedOn ||
    !!u.askedMonth ||
    !!u.bornOn ||
    u.history !== undefined ||
    Object.keys(u.facts).length > 0 ||
    u.channelIds.length > 0 ||
    u.unlistedMeans.length > 0 ||
    u.fiscal
  );
}

/** 交65元可以吗: the amount named, read as a question about the fee when nothing else is asked */
function readAmount(text: string, u: Understanding) {
  if (!/[元块交缴付]/.test(text)) return;
  for (const m of text.matchAll(MONEY)) {
    u.amount = Number(m[1] ?? m[2]);
    // 交了100 / 已经交了100元: already paid
    u.amountPaid = PAID_BEFORE.test(text.slice(Math.max(0, m.index - 4), m.index + (m[2] ? 3 : 0)));
  }
  if (u.amount !== undefined && !u.topics.length) u.topics.push('fee');
}
/** 交了 / 已交 / 缴了 right before an amount: it was paid already */
const PAID_BEFORE = /(?:交了|缴了|已交|已缴|交过|付了)/;

/** the tier whose amount a number in the text names (「<amount>那档」, or a bare amount when the tier is asked) */
function tiersByAmount(text: string, re: RegExp, notice: Notice, into: Set<number>) {
  for (const m of text.matchAll(re)) {
    const t = notice.tiers.find((x) => x.amount === Number(m[1]));
    if (t) into.add(t.id);
  }
}

/** county, city and province names: more than the one township we have there */
function broaderNames(n: Notice): string[] {
  const r = n.region;
  const city = r.city ? [r.city, r.city.replace(/市$/, '')] : [];
  return [...r.broader, r.province, ...r.provinceNames, ...city].filter((w) => w.length >= 2);
}

/** the year that puts a year-less date nearest to today */
/**
 * The month of a payment said without its day: in the year said; else 12月交的 said in January is last December,
 * 12月再交 said in July the next one, and 7月交 the nearest July (said in August, the one just gone).
 */
function monthOfPayment(month: number | null, when: number | 'past' | 'future' | 'near', today: IsoDate): { from: IsoDate; to: IsoDate } | undefined {
  if (month === null || month < 1 || month > 12) return undefined;
  const thisYear = Number(today.slice(0, 4));
  const thisMonth = Number(today.slice(5, 7));
  let year = typeof when === 'number' ? when : thisYear;
  if (when === 'past' && month > thisMonth) year -= 1;
  else if (when === 'future' && month < thisMonth) year += 1;
  else if (when === 'near' && Math.abs(month - thisMonth) > 6) year += month < thisMonth ? 1 : -1;
  const from = iso(year, month, 1);
  return { from, to: addDays(firstOfNextMonth(from), -1) };
}

/** 1953年前参军 / 1980年3月当的兵: the year one joined the army is no day of paying (blanked, same length) */
function maskJoined(text: string): string {
  if (!text.includes('年')) return text;
  const m = JOINED_YEAR.exec(text);
  return m ? text.slice(0, m.index) + ' '.repeat(m[0].length) + text.slice(m.index + m[0].length) : text;
}

/** the first day of the month `shift` months from today's */
function withMonthShift(today: IsoDate, shift: number): IsoDate {
  const m = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 + shift;
  return iso(Math.floor(m / 12), (m % 12) + 1, 1);
}

function nearest(date: IsoDate, today: IsoDate): IsoDate {
  const year = Number(today.slice(0, 4));
  let best = date;
  let bestGap = Infinity;
  for (const k of [-1, 0, 1]) {
    const d = withYear(date, year + k);
    const gap = Math.abs(daysBetween(today, d));
    if (gap < bestGap) {
      best = d;
      bestGap = gap;
    }
  }
  return best;
}

/** 居民医保还是职工医保 / 职工医保还是居民医保: the category is one of two things asked about */
function choiceAsked(text: string, known: Match<Tag>[], id: string): boolean {
  return known.some(
    (m) => m.values.some((v) => v.k === 'identity' && v.id === id) && (/(?:居民医保|居民|合作医疗)还是$/.test(text.slice(0, m.start)) || /^还是(?:居民|城乡|合作医疗)/.test(text.slice(m.end))),
  );
}

/** the words before an age name a year after this one (2025年满 / 25年满 said in 2023: two digits are this century) */
function yearToCome(before: string, today: IsoDate): boolean {
  const y = YEAR_BEFORE_AGE.exec(before);
  if (!y) return false;
  const n = Number(y[1]);
  return (n < 100 ? 2000 + n : n) > Number(today.slice(0, 4));
}

/** 24年 → 2024, 58年 → 1958: a two-digit year is in this century unless that is more than a year ahead */
function fullYear(y: number, today: IsoDate): number {
  if (y >= 100) return y;
  return 2000 + y <= Number(today.slice(0, 4)) + 1 ? 2000 + y : 1900 + y;
}

/** full years from a birthday to today */
function fullYears(born: IsoDate, today: IsoDate): number {
  const years = Number(today.slice(0, 4)) - Number(born.slice(0, 4));
  return today.slice(5) < born.slice(5) ? years - 1 : years;
}

/** a month and day without a year; 2月29日 in a year without it is the nearest leap year's */
function yearless(year: number, month: number, day: number, span: { index: number; end: number }): FoundDate {
  if (month === 2 && day === 29 && !isIsoDate(iso(year, 2, 29))) {
    const leap = [year + 1, year - 1, year + 2, year - 2, year + 3, year - 3].find((y) => isIsoDate(iso(y, 2, 29)))!;
    return { date: iso(leap, 2, 29), ...span, yearCertain: true };
  }
  return { date: iso(year, month, day), ...span, yearCertain: false };
}

function latestPast(date: IsoDate, today: IsoDate): IsoDate {
  const year = Number(today.slice(0, 4));
  const d = withYear(date, year);
  return d > today ? withYear(date, year - 1) : d;
}

function iso(y: number, m: number, d: number): IsoDate {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 后天 and 大后天, longest first, and how many days after today they are */
const DAYS_AFTER = [
  ['大后天', 3],
  ['后天', 2],
] as const;

/**
 * what every date chrono can read in Chinese contains: 月/日/号, 天 (今天), 周/星期/礼拜, a separator or a run of digits
 * (星 for 星期: its parsers have 期 only in 星期, so 长期 is no hint)
 */
const CHRONO_HINT = /[月日号天周星拜晚早午夜\/\-.:：]|\d{3}/;
/** a character every date findDates reads holds: a digit, 月, 年 (年底), 旦 (元旦), 天 (后天) or one of CHRONO_HINT's */
const DATE_HINT = /[\d月年旦天日号周星拜晚早午夜\/\-.:：]/;

/** chrono-node's Chinese parser, once loadDateParser() has loaded it */
let chrono: ChronoHans.Chrono | undefined;
let loading: Promise<void> | undefined;

/** chrono's parsers are loaded (until then Understander.prepare() decides whether a message needs them) */
export function dateParserReady(): boolean {
  return chrono !== undefined;
}

/** Loads chrono-node's Chinese parsers once (~20 ms), so a start that has no use for them yet does without. */
export function loadDateParser(): Promise<void> {
  loading ??= import('chrono-node/zh/hans').then((m) => {
    chrono = buildChrono(m);
  });
  return loading;
}

/**
 * chrono's casual Chinese parsers, each pattern built once. chrono 2.x makes most of its Chinese patterns anew on
 * every parse (innerPattern() returns a new RegExp, so its own cache never hits), and V8 forgets compiled regular
 * expressions at garbage collection, so every parse compiled them again (~0.2 ms). The patterns depend on nothing
 * in the parsing context, and one without a g / y flag keeps no state between matches: one RegExp serves all parses.
 */
function buildChrono(chronoHans: typeof ChronoHans): ChronoHans.Chrono {
  const config = chronoHans.createCasualConfiguration();
  const patternOnce = (p: ChronoHans.Parser): ChronoHans.Parser => {
    let built: RegExp | undefined;
    return {
      pattern: (context) => {
        if (built) return built;
        const re = p.pattern(context);
        if (!re.global && !re.sticky) built = re;
        return re;
      },
      extract: (context, match) => p.extract(context, match),
    };
  };
  return new chronoHans.Chrono({ parsers: config.parsers.map(patternOnce), refiners: config.refiners });
}

let lastDay: { iso: IsoDate; d: dayjs.Dayjs } | undefined;
/** today as a dayjs (immutable, so the last one is reused) */
function dayOf(today: IsoDate): dayjs.Dayjs {
  if (lastDay?.iso !== today) lastDay = { iso: today, d: dayjs.utc(today) };
  return lastDay.d;
}

/** what findDates(…, probe) returns for a text only chrono can finish reading */
const NEEDS_CHRONO = Symbol('needs chrono');

/** The dates in a text. `probe`: only whether chrono is needed (NEEDS_CHRONO) or not (the dates found). */
function findDates(text: string, today: IsoDate, probe?: false): FoundDate[];
function findDates(text: string, today: IsoDate, probe: true): FoundDate[] | typeof NEEDS_CHRONO;
function findDates(text: string, today: IsoDate, probe = false): FoundDate[] | typeof NEEDS_CHRONO {
  const out: FoundDate[] = [];
  // most messages name no date at all
  if (!DATE_HINT.test(text)) return out;
  const taken: [number, number][] = [];
  const free = (a: number, b: number) => !taken.some(([x, y]) => a < y && b > x);
  const push = (d: FoundDate) => {
    if (isIsoDate(d.date) && free(d.index, d.end)) {
      out.push(d);
      taken.push([d.index, d.end]);
    }
  };
  const t = dayOf(today);
  const at = (m: RegExpMatchArray) => ({ index: m.index!, end: m.index! + m[0].length });
  // each pattern only where the words it needs are (matchAll copies its pattern even to find nothing)
  if (text.includes('.') || text.includes('/')) for (const m of text.matchAll(DOTTED_DATE)) {
    push({ date: iso(Number(m[1]), Number(m[2]), Number(m[3])), ...at(m), yearCertain: true });
  }
  if (text.includes('.') || text.includes('/')) for (const m of text.matchAll(SHORT_DOTTED)) {
    push(yearless(t.year(), Number(m[1]), Number(m[2]), at(m)));
  }
  // (same length: the positions of the other words stay where they were)
  if (text.includes('元月')) text = text.replace(FIRST_MONTH, '1月');
  // NUMERIC_DATE, REL_YEAR_DATE and REL_MONTH_DAY need 月
  const month = text.includes('月');
  if (month) for (const m of text.matchAll(NUMERIC_DATE)) {
    // the commonest way to write a day; chrono reads the rest (十二月三十一日, 下周一, 今天...)
    if (!m[1]) {
      push(yearless(t.year(), Number(m[2]), Number(m[3]), at(m)));
      continue;
    }
    let y = Number(m[1]);
    if (y < 100) y += 2000; // 24年1月15日
    push({ date: iso(y, Number(m[2]), Number(m[3])), ...at(m), yearCertain: true });
  }
  if (month) for (const m of text.matchAll(REL_YEAR_DATE)) {
    const year = t.year() + ({ 今: 0, 去: -1, 明: 1, 前: -2 } as Record<string, number>)[m[1]!]!;
    const mo = cnNumber(m[2]!);
    const d = cnNumber(m[3]!);
    if (mo !== null && d !== null) push({ date: iso(year, mo, d), ...at(m), yearCertain: true });
  }
  if (month) for (const m of text.matchAll(REL_MONTH_DAY)) {
    const day = cnNumber(m[2]!);
    if (day === null) continue;
    const shift = m[1] === '上' ? -1 : m[1] === '下' ? 1 : 0;
    const month = t.add(shift, 'month');
    push({ date: iso(month.year(), month.month() + 1, day), ...at(m), yearCertain: true });
  }
  if (text.includes('号')) for (const m of text.matchAll(BARE_DAY)) {
    // 3号交 / 20号交的: a day of a month not named — this month's; one still to come when only 交 follows and the
    // day has passed (the coming month's), one past when 交的 / 交了 follows and the day is still ahead (last month's)
    const day = cnNumber(m[1]!);
    if (day === null || day < 1 || day > 31) continue;
    const paid = PAID_ALREADY.test(text.slice(m.index! + m[0].length, m.index! + m[0].length + 4));
    const toPay = /^\s*[再才去就]?[交缴]/.test(text.slice(m.index! + m[0].length));
    // (neither: 3号 said on the 28th is the coming 3rd, the nearer one)
    const near = () => {
      const gap = (k: number) => {
        const mo = t.startOf('month').add(k, 'month');
        return day > mo.daysInMonth() ? Infinity : Math.abs(daysBetween(today, iso(mo.year(), mo.month() + 1, day)));
      };
      return [0, 1, -1].reduce((best, k) => (gap(k) < gap(best) ? k : best), 0);
    };
    const shift = paid ? (day > t.date() ? -1 : 0) : toPay ? (day < t.date() ? 1 : 0) : near();
    const month = t.startOf('month').add(shift, 'month');
    if (day > month.daysInMonth()) continue;
    push({ date: iso(month.year(), month.month() + 1, day), ...at(m), yearCertain: true });
  }
  if (text.includes('月底')) {
    // 1月底 / 明年2月底: the last day of that month (of the year said, else the nearest one: 2月底 is the 29th in 2024)
    for (const m of text.matchAll(NAMED_MONTH_END)) {
      const mo = cnNumber(m[2]!) ?? MONTH_NAMES[m[2]!];
      if (!mo || mo > 12) continue;
      const years = m[1] ? [t.year() + ({ 今: 0, 去: -1, 明: 1 } as Record<string, number>)[m[1]]!] : [t.year() - 1, t.year(), t.year() + 1];
      const ends = years.map((y) => dayjs.utc(iso(y, mo, 1)).endOf('month').format('YYYY-MM-DD'));
      const date = ends.reduce((a, b) => (Math.abs(daysBetween(today, b)) < Math.abs(daysBetween(today, a)) ? b : a));
      push({ date, ...at(m), yearCertain: true });
    }
    for (const m of text.matchAll(MONTH_END)) {
      const shift = m[1]?.startsWith('上') ? -1 : m[1]?.startsWith('下') ? 1 : 0;
      push({ date: t.add(shift, 'month').endOf('month').format('YYYY-MM-DD'), ...at(m), yearCertain: true });
    }
  }
  if (text.includes('年底')) for (const m of text.matchAll(YEAR_END)) {
    let year = t.year() + (m[1]?.startsWith('明') ? 1 : m[1]?.startsWith('去') ? -1 : 0);
    // 年底前交的, said in February or August: paid already, so the end of last year (said in November or December,
    // this year's: the collection period is now)
    if (!m[1] && t.month() < 10 && PAID_ALREADY.test(text.slice(m.index! + m[0].length).replace(/^(?:之前|以前|前)/, ''))) year -= 1;
    push({ date: iso(year, 12, 31), ...at(m), yearCertain: true });
  }
  if (text.includes('周') || text.includes('星期') || text.includes('礼拜')) for (const m of text.matchAll(WEEKDAY)) {
    // this week's day (weeks start on Monday); without 上/这/下, a day just past when only 交 follows is the coming
    // week's (周一交, said on a Wednesday), a day ahead with 交的 the last week's (周五交的, said on a Wednesday)
    const monday = t.subtract((t.day() + 6) % 7, 'day');
    let day = monday.add((WEEKDAY_NUMBER[m[2]!] ?? Number(m[2])) - 1, 'day');
    if (m[1]) day = day.add(7 * WEEK_SHIFT[m[1]]!, 'day');
    else {
      const after = text.slice(m.index! + m[0].length);
      const d = day.format('YYYY-MM-DD');
      if (PAID_ALREADY.test(after.slice(0, 4)) && d > today) day = day.subtract(7, 'day');
      else if (!PAID_ALREADY.test(after.slice(0, 4)) && d < today && PAY_NEXT.test(after.replace(CAN_BEFORE_PAY, ''))) day = day.add(7, 'day');
    }
    push({ date: day.format('YYYY-MM-DD'), ...at(m), yearCertain: true });
  }
  if (text.includes('了')) for (const m of text.matchAll(PAID_AGO)) {
    const n = cnNumber(m[1]!);
    if (n === null || n < 1) continue;
    const days = m[2] === '天' ? n : 7 * n;
    // the span is the length of time only (交了 stays the cue that makes it the day of payment)
    const index = m.index! + 2;
    push({ date: addDays(today, -days), index, end: m.index! + m[0].length, yearCertain: true });
  }
  if (text.includes('元旦')) for (const m of text.matchAll(NEW_YEAR_DAY)) push({ date: iso(t.year(), 1, 1), ...at(m), yearCertain: false });
  for (const [word, days] of DAYS_AFTER) {
    const i = text.indexOf(word);
    if (i >= 0) push({ date: addDays(today, days), index: i, end: i + word.length, yearCertain: true });
  }
  // chrono is the slow part of understanding: only when the text could hold a date it has not seen yet
  let rest = text;
  for (const [a, b] of taken) rest = rest.slice(0, a) + ' '.repeat(b - a) + rest.slice(b);
  if (!CHRONO_HINT.test(rest)) return out.sort((a, b) => a.index - b.index);
  if (probe) return NEEDS_CHRONO;
  // Core awaits Understander.prepare() first, so this is a slip in the caller, not a date to leave unread
  if (!chrono) throw new Error('chrono-node not loaded: call Understander.prepare() before understand()');
  const ref = new Date(`${today}T12:00:00+08:00`);
  for (const r of chrono.parse(text, { instant: ref, timezone: 480 })) {
    let y = r.start.get('year');
    const mo = r.start.get('month');
    const d = r.start.get('day');
    if (!y || !mo || !d) continue;
    if (y < 100) y += 2000; // 24年1月15日
    // a month alone (“12月”) is not a day to compute with
    const relative = RELATIVE_DAY.test(r.text);
    if (!r.start.isCertain('day') && !relative) continue;
    // 12月31日晚上: 晚上 alone is a time of today, not another day; 出生90天内 is a span, not a day
    if (!DAY_WORD.test(r.text) || WITHIN_DAYS.test(r.text)) continue;
    push({ date: iso(y, mo, d), index: r.index, end: r.index + r.text.length, yearCertain: r.start.isCertain('year') || relative });
  }
  return out.sort((a, b) => a.index - b.index);
}
