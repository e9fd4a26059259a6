import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

/** Every date the bot reasons about is a calendar day in this zone. */
export const TIME_ZONE = 'Asia/Shanghai';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD; arithmetic is done on UTC midnights so no zone or DST shifts a day. */
export type IsoDate = string;

const valid = new Map<string, boolean>();
export function isIsoDate(s: string): boolean {
  if (!ISO.test(s)) return false;
  let v = valid.get(s);
  if (v === undefined) {
    const d = dayjs.utc(s);
    v = d.isValid() && d.format('YYYY-MM-DD') === s;
    if (valid.size > 20_000) valid.clear();
    valid.set(s, v);
  }
  return v;
}

/**
 * Calendar arithmetic is done by dayjs; the few hundred distinct (date, offset) pairs a season needs
 * are remembered, so the per-message path does not rebuild dayjs objects.
 */
const memo = new Map<string, IsoDate>();
function remember(key: string, compute: () => IsoDate): IsoDate {
  let v = memo.get(key);
  if (v === undefined) {
    if (memo.size > 20_000) memo.clear();
    v = compute();
    memo.set(key, v);
  }
  return v;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return remember(`${date}+${days}`, () => dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD'));
}

export function firstOfNextMonth(date: IsoDate): IsoDate {
  return remember(`${date}>m`, () => dayjs.utc(date).add(1, 'month').startOf('month').format('YYYY-MM-DD'));
}

const between = new Map<string, number>();
export function daysBetween(from: IsoDate, to: IsoDate): number {
  const key = `${from}>${to}`;
  let v = between.get(key);
  if (v === undefined) {
    v = dayjs.utc(to).diff(dayjs.utc(from), 'day');
    if (between.size > 20_000) between.clear();
    between.set(key, v);
  }
  return v;
}

/** The same date (month and day) in another year; 2月29日 moves to 2月28日 in a common year, as dayjs does. */
export function withYear(date: IsoDate, year: number): IsoDate {
  return remember(`${date}@${year}`, () => dayjs.utc(date).year(year).format('YYYY-MM-DD'));
}

/**
 * Asia/Shanghai has kept UTC+8 all year since 1991 (no summer time), so its calendar day is the UTC day of the
 * instant 8 hours later: computed directly, without loading the time-zone database (~30 ms at every start).
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Today in Asia/Shanghai. */
export function todayIn(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The clock time (HH:mm) in Asia/Shanghai at an instant (ms since epoch). */
export function shanghaiTime(now: number): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}

/** 2024年3月1日 (answers name the same few dates again and again: remembered like the arithmetic above) */
export function cnDate(date: IsoDate): string {
  return remember(`${date}>cn`, () => {
    const m = ISO.exec(date);
    return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : date;
  });
}

export function cnMoney(yuan: number): string {
  return `${yuan}元`;
}

export function compare(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A clock the whole bot reads. `fixedDay` pins the calendar day (BOT_TODAY / --today)
 * while the time of day still runs, so reminders and expiry keep working in tests.
 */
export interface Clock {
  now(): number;
  today(): IsoDate;
}

export function systemClock(fixedDay?: IsoDate): Clock {
  if (fixedDay !== undefined && !isIsoDate(fixedDay)) throw new Error(`日期格式不对：${fixedDay}（应为 YYYY-MM-DD）`);
  return {
    now: () => Date.now(),
    today: () => fixedDay ?? todayIn(),
  };
}
