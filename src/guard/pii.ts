/**
 * Personal numbers residents paste into groups: Chinese resident ID numbers (18 digits with a valid check
 * digit or at least an ID's shape — a mistyped ID is still someone's ID — and the old 15-digit ones), mobile numbers and bank-card numbers (Luhn). They are masked before
 * anything is understood, logged or stored.
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

function classify(digits: string): PiiKind | null {
  if (digits.length === 18 && (validId18(digits) || idShaped18(digits))) return 'id';
  if (digits.length === 15 && validId15(digits)) return 'id';
  if (digits.length === 11 && /^1[3-9]/.test(digits)) return 'mobile';
  if (digits.length >= 16 && digits.length <= 19 && ID_START.test(digits)) return 'id';
  if (digits.length >= 16 && digits.length <= 19 && luhn(digits)) return 'bank';
  // 16 to 19 digits that fail the card check: still a card or account number, mistyped (no rule has such a number)
  if (digits.length >= 16 && digits.length <= 19) return 'bank';
  return null;
}

// a run of digits, optionally split by spaces or hyphens (138 1234 5678, 6222-0200-...), ending in X for IDs;
// letters around it do not protect it (sfz3607...、ID:3607...)
const RUN = /(?<!\d)\d(?:[\d Xx-]*\d)?[Xx]?(?!\d)/g;
const ID_LENGTH = 18;

/** A run that may hold an ID among other digits: an ID if any 18 characters of it are one, else masked as a card. */
function classifyGlued(chars: string): PiiKind {
  for (let i = 0; i + ID_LENGTH <= chars.length; i++) if (validId18(chars.slice(i, i + ID_LENGTH))) return 'id';
  if (chars.length === ID_LENGTH && idShaped18(chars)) return 'id';
  return 'bank';
}
export const MASK = '[已隐藏]';

/**
 * Every character whose NFKC form holds an ASCII digit: the Unicode numbers (\p{N}: full-width digits, ①, ¹...)
 * and the CJK compatibility symbols for months, hours, days and units (㋀ → 1月, ㍘ → 0点, ㏠ → 1日, ㎡ → m2).
 * A message with none of them holds no number to mask.
 */
const MAYBE_DIGIT = /[\p{N}\u32c0-\u33ff]/u;

/** a number written in Chinese digits, as long as a phone number or longer (三六零七三二…, 幺三八…) */
const CN_RUN = /[零〇一二三四五六七八九幺]{11,}[Xx]?/g;
const CN_RUN_ANY = /[零〇一二三四五六七八九幺]{11}/;
const CN_DIGIT: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** The text with every personal number replaced by [已隐藏], and which kinds were found. */
export function maskPii(text: string): { text: string; found: PiiKind[] } {
  const cn = CN_RUN_ANY.test(text);
  if (!MAYBE_DIGIT.test(text) && !cn) return { text, found: [] };
  const found = new Set<PiiKind>();
  // 三六零七三二一九六五…: read as the digits they are (ordinary Chinese text has no eleven of them in a row)
  const digitsOnly = cn ? text.replace(CN_RUN, (run) => run.replace(/./g, (c) => CN_DIGIT[c] ?? c)) : text;
  const masked = digitsOnly.normalize('NFKC').replace(RUN, (run) => {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length < 11) return run;
    // longer than an ID, or an X inside the run: an ID may sit anywhere in it (digits glued before or after)
    const glued = digits.length > ID_LENGTH || /[Xx]./.test(digits);
    const kind = glued ? classifyGlued(digits) : classify(digits);
    if (!kind) return run;
    found.add(kind);
    return MASK;
  });
  return { text: found.size ? masked : text, found: [...found] };
}
