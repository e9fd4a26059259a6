/**
 * Personal numbers residents paste into groups: Chinese resident ID numbers (18 digits with a valid check
 * digit or at least an ID's shape — a mistyped ID is still someone's ID — and the old 15-digit ones), mobile numbers
 * (with +86 / 0086 before them or not) and bank-card numbers (Luhn), in digits or in Chinese digits, whole or written
 * in groups (138 0013 8000, 138.0013.8000, 500231/19900101/123X). They are masked before anything is understood,
 * logged or stored.
 */
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function validId18(s: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * W[i]!;
  return CHECK[sum % 11] === s[17]!.toUpperCase();
}

/**
 * 18 characters shaped like an ID whatever its check digit says (a digit or two mistyped): an area code that
 * does not start with 0, then a birth date 19xx/20xx-MM-DD.
 */
const ID_SHAPE = /^[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/i;
export function idShaped18(s: string): boolean {
  return ID_SHAPE.test(s);
}

/** 16 to 19 digits that begin like an ID (area code, birth date): an ID with a digit too few or too many */
const ID_START = /^[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])/;

export function validId15(s: string): boolean {
  if (!/^\d{15}$/.test(s)) return false;
  const mm = Number(s.slice(8, 10));
  const dd = Number(s.slice(10, 12));
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

export function luhn(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = Number(s[s.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export type PiiKind = 'id' | 'mobile' | 'bank';

/** a mobile number, perhaps with the country code written before it (+86 139…, 0086-139…, 86139…) */
const MOBILE = /^(?:86|0086)?1[3-9]\d{9}$/;
const COUNTRY_CODE = /^(?:86|0086)/;

function classify(digits: string): PiiKind | null {
  if (digits.length === 18 && (validId18(digits) || idShaped18(digits))) return 'id';
  // (before the old IDs: 0086 and a mobile is 15 digits too, and no area code begins with 0)
  if (MOBILE.test(digits)) return 'mobile';
  if (digits.length === 15 && validId15(digits)) return 'id';
  if (digits.length >= 16 && digits.length <= 19 && ID_START.test(digits)) return 'id';
  if (digits.length >= 16 && digits.length <= 19 && luhn(digits)) return 'bank';
  // 16 to 19 digits that fail the card check: still a card or account number, mistyped (no rule has such a number)
  if (digits.length >= 16 && digits.length <= 19) return 'bank';
  return null;
}

const ID_LENGTH = 18;

/** A run that may hold an ID among other digits: an ID if any 18 characters of it are one, else masked as a card. */
function classifyGlued(chars: string): PiiKind {
  for (let i = 0; i + ID_LENGTH <= chars.length; i++) if (validId18(chars.slice(i, i + ID_LENGTH))) return 'id';
  if (chars.length === ID_LENGTH && idShaped18(chars)) return 'id';
  return 'bank';
}

/** one run of digits with nothing between them (letters around it do not protect it: sfz3607…, ID:3607…) */
function classifyRun(digits: string): PiiKind | null {
  if (digits.length < 11) return null;
  // longer than an ID, or an X inside the run: an ID may sit anywhere in it (digits glued before or after)
  return digits.length > ID_LENGTH || /[Xx]./.test(digits) ? classifyGlued(digits) : classify(digits);
}

/** the first digit of the cards used here: 62 UnionPay, 4 Visa, 5 Mastercard, 3 JCB / American Express, 9 old domestic (9558…) */
const CARD_START = /^[3-69]/;

/**
 * Groups written apart (138 0013 8000, 500231.19900101.123X, 6222-0200-…) and read as one number. Only what the
 * grouping cannot make of ordinary numbers: a mobile (a list of amounts does not add up to 1[3-9] and ten digits
 * by chance), an ID (its birth date inside), and a card only when it begins like one and either its check digit
 * is right or it is printed as a card is (6222 0200 1234 5678 901): a mistyped card in other groups reads like a
 * list of numbers, and years (2020 2021 2022 2023 都交了) are grouped by four too.
 */
function classifyGroups(groups: string[]): PiiKind | null {
  const digits = groups.join('');
  if (/[Xx]./.test(digits)) return null; // an ID's X ends it
  if (MOBILE.test(digits)) return 'mobile';
  if (digits.length === 18 && (validId18(digits) || idShaped18(digits))) return 'id';
  if (digits.length >= 16 && digits.length <= 19 && ID_START.test(digits)) return 'id';
  if (digits.length === 15 && groups[0]!.length === 6 && validId15(digits)) return 'id';
  const cardGroups = groups.slice(0, -1).every((g) => g.length === 4);
  if (digits.length >= 16 && digits.length <= 19 && CARD_START.test(digits) && (cardGroups || luhn(digits))) return 'bank';
  return null;
}

/**
 * What a masked number becomes. understand() reads the text through normalize(), which turns pictographs into
 * white space and drops white space between Chinese characters: the message reads as if the number had not been
 * there (身份证号✳✳✳他是低保 → 身份证号他是低保), neither glued to the words around it nor taking their place
 * ([已隐藏] made 已 and 隐藏 words of the message, and its length filled the patterns' windows). The 统计 list shows it.
 */
export const MASK = '✳✳✳';

/**
 * Every character whose NFKC form holds an ASCII digit: the Unicode numbers (\p{N}: full-width digits, ①, ¹...)
 * and the CJK compatibility symbols for months, hours, days and units (㋀ → 1月, ㍘ → 0点, ㏠ → 1日, ㎡ → m2).
 * A message with none of them holds no number to mask.
 */
const MAYBE_DIGIT = /[\p{N}\u32c0-\u33ff]/u;

/** the Chinese digits a number is written in (三六零七三二…, 幺三八…) */
const CN_DIGIT: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
/** as many Chinese digits as a phone number has: fewer, and the message holds no number written in them */
const CN_ENOUGH = 11;
function enoughCnDigits(text: string): boolean {
  let n = 0;
  for (const c of text) if (Object.hasOwn(CN_DIGIT, c) && ++n >= CN_ENOUGH) return true;
  return false;
}

/** a run of digits (an ID's X at its end, or inside a run with digits glued to an ID) */
const DIGITS = /(?<!\d)\d(?:[\dXx]*\d)?[Xx]?(?!\d)/g;
/** the same, with runs of Chinese digits too */
const DIGITS_CN = /(?<!\d)\d(?:[\dXx]*\d)?[Xx]?(?!\d)|[零〇一二三四五六七八九幺]+[Xx]?/g;
/**
 * What may stand between the groups of one number: spaces, or one separator (two for ——) with spaces around it.
 * Not 、 ： or （: they separate numbers that are not one (一档380、二档755; 10:30).
 */
const BETWEEN = /^(?:[ \t]*[-‐‑‒–—―−._/,]{1,2}[ \t]*|[ \t]+)$/;
/** a group too short to be part of a number written in groups: dates (2024.3.5, 2023/12/31), amounts (1,200) */
const SHORTEST_GROUP = 3;
/** digits joined across groups: no number to mask is longer (a longer run of groups holds several, or none) */
const LONGEST_JOINED = 19;
/** an ID's X written apart from its 17 digits (500231 19900101 123 X) */
const X_APART = /^[ \t.\-]?[Xx](?![A-Za-z])/;

interface Group {
  start: number;
  end: number;
  digits: string;
  /** written in Chinese digits */
  cn: boolean;
}
interface Hit {
  start: number;
  end: number;
  kind: PiiKind;
  /** the index of the last group it takes */
  last: number;
}

/**
 * One number is written with one separator between its groups (138-0013-8000, not 7,689,258/2022…), but for the
 * one after a country code (+86 139-0000-1111).
 */
function oneSeparator(text: string, groups: Group[], i: number, j: number): boolean {
  const sep = (k: number) => text.slice(groups[k - 1]!.end, groups[k]!.start).trim() || ' ';
  const from = /^(?:86|0086)$/.test(groups[i]!.digits) ? i + 2 : i + 1;
  for (let k = from + 1; k <= j; k++) if (sep(k) !== sep(from)) return false;
  return true;
}

/**
 * Groups i..j read as one number. Chinese digits are words too: a digit or two at either end may be one (…零零零二档,
 * 一…), so a run of them is first read whole, then without them, and only then searched for an ID glued to others.
 */
function hitAt(text: string, groups: Group[], i: number, j: number, pass: 'whole' | 'trimmed' | 'glued'): Hit | null {
  const first = groups[i]!;
  const last = groups[j]!;
  if (j > i && !oneSeparator(text, groups, i, j)) return null;
  const parts = groups.slice(i, j + 1).map((g) => g.digits);
  const trims = pass === 'trimmed' ? [[0, 1], [1, 0], [1, 1], [0, 2], [2, 0], [2, 1], [1, 2], [2, 2]] : [[0, 0]];
  const glued = !first.cn || pass === 'glued';
  for (const [front, back] of trims) {
    const p = [...parts];
    if (front! >= p[0]!.length || back! >= p[p.length - 1]!.length) continue;
    p[0] = p[0]!.slice(front);
    p[p.length - 1] = p[p.length - 1]!.slice(0, p[p.length - 1]!.length - back!);
    const kind = p.length > 1 ? classifyGroups(p) : glued ? classifyRun(p[0]!) : p[0]!.length >= 11 && p[0]!.length <= ID_LENGTH && !/[Xx]./.test(p[0]!) ? classify(p[0]!) : null;
    if (!kind) continue;
    let start = first.start + front!;
    let end = last.end - back!;
    const digits = p.join('');
    // +86 139…: the plus goes with the number
    if (kind === 'mobile' && digits.length > 11 && COUNTRY_CODE.test(digits) && text[start - 1] === '+') start--;
    if (kind === 'id' && digits.length === 17 && !back) end += X_APART.exec(text.slice(end))?.[0].length ?? 0;
    return { start, end, kind, last: j };
  }
  return null;
}

/** The personal numbers among the groups of one run of digit groups, left to right, the longest number first. */
function hitsIn(text: string, run: Group[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < run.length; ) {
    let last = i;
    let joined = run[i]!.digits.length;
    while (last + 1 < run.length && joined + run[last + 1]!.digits.length <= LONGEST_JOINED) joined += run[++last]!.digits.length;
    let hit: Hit | null = null;
    for (const pass of run[i]!.cn ? (['whole', 'trimmed', 'glued'] as const) : (['whole'] as const)) {
      for (let j = last; j >= i && !hit; j--) hit = hitAt(text, run, i, j, pass);
    }
    if (hit) hits.push(hit);
    i = hit ? hit.last + 1 : i + 1;
  }
  return hits;
}

/** a group that may be joined to the one before or after it */
function joinable(text: string, g: Group): boolean {
  // (+86 139 0000 1111: the country code, with its plus)
  return g.digits.length >= SHORTEST_GROUP || (g.digits === '86' && text[g.start - 1] === '+');
}

/** The text with every personal number replaced by MASK, and which kinds were found. */
export function maskPii(text: string): { text: string; found: PiiKind[] } {
  const cn = enoughCnDigits(text);
  if (!MAYBE_DIGIT.test(text) && !cn) return { text, found: [] };
  const nfkc = text.normalize('NFKC');
  const groups: Group[] = [];
  for (const m of nfkc.matchAll(cn ? DIGITS_CN : DIGITS)) {
    const isCn = !/\d/.test(m[0][0]!);
    groups.push({ start: m.index, end: m.index + m[0].length, digits: isCn ? m[0].replace(/./g, (c) => CN_DIGIT[c] ?? c) : m[0], cn: isCn });
  }
  // runs of groups written apart as one number
  const hits: Hit[] = [];
  let run: Group[] = [];
  for (const g of groups) {
    const prev = run[run.length - 1];
    if (prev && !(prev.cn === g.cn && joinable(nfkc, prev) && joinable(nfkc, g) && BETWEEN.test(nfkc.slice(prev.end, g.start)))) {
      hits.push(...hitsIn(nfkc, run));
      run = [];
    }
    run.push(g);
  }
  if (run.length) hits.push(...hitsIn(nfkc, run));
  if (!hits.length) return { text, found: [] };
  let out = '';
  let at = 0;
  for (const h of hits) {
    out += nfkc.slice(at, h.start) + MASK;
    at = h.end;
  }
  out += nfkc.slice(at);
  return { text: out, found: [...new Set(hits.map((h) => h.kind))] };
}
