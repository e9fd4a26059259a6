/**
 * Deadline reminders: at set days before the end of the collection period and before each later deadline
 * of the notice, at a set time (Asia/Shanghai), a short post in every bound group that asked for them.
 * Each reminder is posted once, also across restarts and instances (StateStore.once).
 */
import { addDays, cnDate, shanghaiTime, type Clock, type IsoDate } from '../engine/dates.ts';
import { Sources } from '../engine/format.ts';
import { fill } from '../core/template.ts';
import type { RuleSet } from '../rules/load.ts';
import type { Notice, PaymentWindow } from '../rules/schema.ts';
import type { StateStore } from '../state/types.ts';
import type { Logger } from '../log.ts';

export interface Deadline {
  date: IsoDate;
  label: string;
  /** what changes after the date */
  after: string;
  clauses: string[];
}

function afterWindow(n: Notice, next: PaymentWindow | undefined): { text: string; clause: string } | null {
  if (!next) {
    if (!n.closedAfterLast) return null;
    // 「…前完清」: how the last day is read, from rules/ (桂阳: 9月30日当天算不算，以经办机构核定为准)
    const reading = n.conventions.find((c) => c.topic === 'closing');
    return { text: `过了这天：${n.closedAfterLast.text}。${reading ? `（${reading.text}）` : ''}`, clause: n.closedAfterLast.clause };
  }
  const c = next.cover;
  switch (c.kind) {
    case 'next-month':
      return { text: `过了这天再交：从缴清费用的次月1日起才享受待遇。`, clause: c.clause };
    case 'wait':
      return { text: `过了这天再交：要等${c.days}天才能享受待遇。`, clause: c.clause };
    case 'fixed':
      return { text: `过了这天再交：待遇从${cnDate(c.start)}开始。`, clause: c.clause };
  }
}

/** Every deadline of a notice a resident should hear about, from the rules. */
export function deadlinesOf(n: Notice): Deadline[] {
  const out: Deadline[] = [];
  n.windows.forEach((w, i) => {
    if (!w.to) return;
    const a = afterWindow(n, n.windows[i + 1]);
    out.push({ date: w.to, label: w.label, after: a?.text ?? '', clauses: [w.clause, ...(a ? [a.clause] : [])] });
  });
  if (n.lateSurcharge) {
    const ls = n.lateSurcharge;
    out.push({
      date: ls.paidAfter,
      label: ls.label,
      after: `${ls.text}。`,
      clauses: [ls.clause],
    });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : 1));
}

export interface ReminderText {
  reminder: string;
  reminderToday: string;
}

export function reminderText(n: Notice, d: Deadline, daysLeft: number, t: ReminderText): string {
  const src = new Sources(n.notice.cite);
  d.clauses.forEach((c) => src.add(c));
  const body = fill(daysLeft === 0 ? t.reminderToday : t.reminder, {
    label: d.label,
    days: String(daysLeft),
    date: cnDate(d.date),
    after: d.after,
  });
  return `${body.trim()}\n${src.line(n.notice.draft)}`;
}

export interface ReminderOptions {
  rules: () => RuleSet;
  state: StateStore;
  clock: Clock;
  days: number[];
  /** HH:MM, Asia/Shanghai */
  time: string;
  texts: ReminderText;
  send: (chatId: string, text: string) => Promise<void>;
  log?: Logger;
}

/** One pass: posts what is due now and not yet posted. Returns what it posted. */
export async function runReminders(o: ReminderOptions): Promise<{ chatId: string; text: string }[]> {
  if (shanghaiTime(o.clock.now()) < o.time) return [];
  const today = o.clock.today();
  const rules = o.rules();
  const posted: { chatId: string; text: string }[] = [];
  for (const [chatId, s] of await o.state.allSettings()) {
    if (!s.reminders || !s.region) continue;
    const n = rules.byId.get(s.region);
    if (!n) continue;
    for (const d of deadlinesOf(n)) {
      for (const days of o.days) {
        if (addDays(d.date, -days) !== today) continue;
        if (!(await o.state.once(`remind:${chatId}:${d.date}:${days}`))) continue;
        const text = reminderText(n, d, days, o.texts);
        try {
          await o.send(chatId, text);
          posted.push({ chatId, text });
          o.log?.info({ chat: chatId, deadline: d.date, days }, 'reminder posted');
        } catch (e) {
          o.log?.error({ chat: chatId, err: (e as Error).message }, 'reminder not posted');
        }
      }
    }
  }
  return posted;
}

/** Checks every minute. Returns a stop function. */
export function startReminders(o: ReminderOptions, everyMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runReminders(o);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  void tick();
  return () => clearInterval(timer);
}
