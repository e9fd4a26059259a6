/**
 * The rules engine against GoRules ZEN: the same fee and cover-start decision, written as a JDM decision
 * table generated from the same rules/ files, evaluated on the same fixed set of situations. Both must give
 * the same answer on every situation (checked in the run).
 */
import { ZenEngine } from '@gorules/zen-engine';
import { addDays, firstOfNextMonth } from '../src/engine/dates.ts';
import { quote, type Situation } from '../src/engine/quote.ts';
import type { RuleSet } from '../src/rules/load.ts';
import type { Notice } from '../src/rules/schema.ts';

/** days since 1970-01-01 (what the JDM table compares); plain Date arithmetic, so neither side pays for dayjs here */
const epochDay = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** identities whose fee the notice decides, one per kind of treatment */
function decidedIdentities(n: Notice): string[] {
  const ids = Object.entries(n.identities)
    .filter(([, t]) => !t.cases && !t.enrol && !t.cover && !t.lateFee && ['standard', 'full', 'subsidy'].includes(t.fee.kind))
    .map(([id]) => id);
  return ['', ...ids];
}

export function situations(rules: RuleSet): Situation[] {
  const out: Situation[] = [];
  for (const n of rules.notices) {
    const first = n.windows[0]!.from;
    const lastCover = n.windows[n.windows.length - 1]!;
    const last = lastCover.to ?? addDays(lastCover.cover.end, -120);
    for (const id of decidedIdentities(n)) {
      for (const t of n.tiers) {
        for (let d = first; d <= last; d = addDays(d, 11)) {
          out.push({ region: n.id, identities: id ? [id] : [], tier: t.id, paidOn: d, today: first, facts: {} });
        }
      }
    }
  }
  return out;
}

/** Our engine, reduced to the two figures the table decides. */
export function ours(rules: RuleSet, s: Situation): { fee: number; coverStart: number } | null {
  const q = quote(rules, s);
  if (q.fee.status !== 'decided' || q.cover.status !== 'decided') return null;
  return { fee: q.fee.amounts[0]!.amount, coverStart: epochDay(q.cover.start) };
}

/** The JDM decision table, rows generated from the same rule files. */
export function jdm(rules: RuleSet) {
  const rows: Record<string, string>[] = [];
  let r = 0;
  for (const n of rules.notices) {
    const ls = n.lateSurcharge;
    for (const id of decidedIdentities(n)) {
      const t = id ? n.identities[id]! : null;
      for (const tier of n.tiers) {
        const feeOf = (late: boolean) => {
          if (late && ls) return ls.amount === null ? null : tier.amount + ls.amount;
          if (!t || t.fee.kind === 'standard') return tier.amount;
          if (t.fee.kind === 'full') return 0;
          if (t.fee.kind === 'subsidy') return Math.max(0, tier.amount - t.fee.amount);
          throw new Error('not a decided fee');
        };
        for (const w of n.windows) {
          const from = epochDay(w.from);
          const to = w.to ? epochDay(w.to) : null;
          const cover = w.cover.kind === 'fixed' ? String(epochDay(w.cover.start)) : w.cover.kind === 'next-month' ? 'nextMonthFirst' : `paid + ${w.cover.days}`;
          const end = epochDay(w.cover.end);
          const coverCond = w.cover.kind === 'wait' ? `<= ${end - w.cover.days}` : '';
          const split = ls ? epochDay(ls.paidAfter) : null;
          const ranges: [number, number | null, boolean][] =
            split !== null && from <= split && (to === null || to > split) ? [[from, split, false], [split + 1, to, true]] : [[from, to, split !== null && from > split]];
          for (const [a, b, late] of ranges) {
            const fee = feeOf(late);
            if (fee === null) continue; // the notice does not decide this fee: our engine gives no figure either
            rows.push({
              _id: `r${++r}`,
              region: `"${n.id}"`,
              identity: `"${id}"`,
              tier: String(tier.id),
              paid: b === null ? `>= ${a}` : `[${a}..${b}]`,
              paid2: coverCond,
              fee: String(fee),
              coverStart: cover,
            });
          }
        }
      }
    }
  }
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: [
      { id: 'in', type: 'inputNode', name: 'Situation', position: { x: 0, y: 0 } },
      {
        id: 'table',
        type: 'decisionTableNode',
        name: 'fee and cover start',
        position: { x: 300, y: 0 },
        content: {
          hitPolicy: 'first',
          inputs: [
            { id: 'region', name: 'Region', field: 'region' },
            { id: 'identity', name: 'Identity', field: 'identity' },
            { id: 'tier', name: 'Tier', field: 'tier' },
            { id: 'paid', name: 'Paid (epoch day)', field: 'paid' },
            { id: 'paid2', name: 'Paid, cover within the year', field: 'paid' },
          ],
          outputs: [
            { id: 'fee', name: 'Fee', field: 'fee' },
            { id: 'coverStart', name: 'Cover start (epoch day)', field: 'coverStart' },
          ],
          rules: rows,
        },
      },
      { id: 'out', type: 'outputNode', name: 'Quote', position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'in', targetId: 'table', type: 'edge' },
      { id: 'e2', sourceId: 'table', targetId: 'out', type: 'edge' },
    ],
  };
}

export function zenInput(s: Situation) {
  return {
    region: s.region,
    identity: s.identities[0] ?? '',
    tier: s.tier,
    paid: epochDay(s.paidOn!),
    // JDM expressions have no calendar-month arithmetic; the caller gives the first of next month as an input
    nextMonthFirst: epochDay(firstOfNextMonth(s.paidOn!)),
  };
}

export async function benchEngine(rules: RuleSet, ms = 2000) {
  const all = situations(rules);
  const expected = all.map((s) => ours(rules, s));
  const list = all.filter((_, i) => expected[i] !== null);
  const engine = new ZenEngine();
  const decision = engine.createDecision(jdm(rules));
  // same answers on every situation
  let mismatches = 0;
  for (const s of list) {
    const a = ours(rules, s)!;
    const z = (await decision.evaluate(zenInput(s))).result as { fee?: number; coverStart?: number };
    if (a.fee !== z.fee || a.coverStart !== z.coverStart) {
      mismatches++;
      if (mismatches <= 5) console.error('mismatch', JSON.stringify(s), a, z);
    }
  }
  const inputs = list.map(zenInput);
  const run = async (f: (i: number) => unknown | Promise<unknown>) => {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let k = 0; k < 200; k++) {
        const r = f(n++ % list.length);
        if (r instanceof Promise) await r;
      }
    }
    return n / ((performance.now() - start) / 1000);
  };
  await run((i) => ours(rules, list[i]!)); // warm-up
  const oursPerSec = await run((i) => ours(rules, list[i]!));
  await run((i) => decision.evaluate(inputs[i]!));
  const zenPerSec = await run((i) => decision.evaluate(inputs[i]!));
  engine.dispose();
  return { situations: list.length, mismatches, oursPerSec, zenPerSec };
}
