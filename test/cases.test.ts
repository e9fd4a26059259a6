/**
 * Situation cases kept as data (test/cases/*.yaml), like OpenFisca's YAML tests:
 * a situation and the quote fields it must give. Every expected value is read off the notice by hand.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadRules } from '../src/rules/load.ts';
import { quote, type Quote } from '../src/engine/quote.ts';
import { formatFull } from '../src/engine/format.ts';
import { isoDate, FACTS } from '../src/rules/schema.ts';

const caseSchema = z
  .object({
    name: z.string(),
    clauses: z.array(z.string()).min(1),
    situation: z
      .object({
        identities: z.array(z.string()).default([]),
        tier: z.number().int().optional(),
        paidOn: isoDate.optional(),
        bornOn: isoDate.optional(),
        facts: z.partialRecord(z.enum(FACTS), z.boolean()).optional(),
        history: z.enum(['new', 'interrupted', 'continuing']).optional(),
        today: isoDate.default('2023-11-01'),
      })
      .strict(),
    expect: z
      .object({
        enrol: z.enum(['here', 'elsewhere', 'not-eligible', 'undecided']).optional(),
        fee: z.union([z.number(), z.array(z.number()), z.enum(['undecided', 'none'])]).optional(),
        late: z.boolean().optional(),
        winner: z.string().nullable().optional(),
        window: z.enum(['in', 'before', 'closed', 'after-year', 'undecided', 'special']).optional(),
        windowId: z.string().nullable().optional(),
        latest: isoDate.nullable().optional(),
        cover: z.enum(['decided', 'none', 'undecided', 'rule']).optional(),
        coverStart: isoDate.optional(),
        coverEnd: isoDate.nullable().optional(),
        waitDays: z.number().nullable().optional(),
        newbornDeadline: isoDate.nullable().optional(),
        missing: z.array(z.string()).optional(),
        firstSteps: z.array(z.enum(['new', 'interrupted'])).optional(),
        undecidedCount: z.number().optional(),
        text: z.array(z.string()).optional(),
        notText: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();
const fileSchema = z.object({ region: z.string(), cases: z.array(caseSchema).min(1) }).strict();

const rules = loadRules();
const dir = join(import.meta.dirname, 'cases');

function feeOf(q: Quote): number | number[] | 'undecided' | 'none' {
  if (q.fee.status !== 'decided') return q.fee.status;
  const a = q.fee.amounts.map((x) => x.amount);
  return a.length === 1 ? a[0]! : a;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  const data = fileSchema.parse(parse(readFileSync(join(dir, file), 'utf8')));
  describe(`${file} (${data.region})`, () => {
    for (const c of data.cases) {
      it(`${c.name} [${c.clauses.join(' ')}]`, () => {
        const q = quote(rules, { region: data.region, ...c.situation });
        const e = c.expect;
        if (e.enrol !== undefined) expect(q.enrol.status).toBe(e.enrol);
        if (e.fee !== undefined) expect(feeOf(q)).toEqual(e.fee);
        if (e.late !== undefined) expect(q.fee.status === 'decided' && q.fee.late).toBe(e.late);
        if (e.winner !== undefined) expect(q.decision?.winner?.id ?? null).toBe(e.winner);
        if (e.window !== undefined) expect(q.window.status).toBe(e.window);
        if (e.windowId !== undefined) expect(q.window.status === 'in' ? q.window.window.id : null).toBe(e.windowId);
        if (e.latest !== undefined) expect(q.window.status === 'in' ? (q.window.latest?.text ?? null) : undefined).toBe(e.latest);
        if (e.cover !== undefined) expect(q.cover.status).toBe(e.cover);
        if (e.coverStart !== undefined) expect(q.cover.status === 'decided' ? q.cover.start : null).toBe(e.coverStart);
        if (e.coverEnd !== undefined) expect(q.cover.status === 'decided' || q.cover.status === 'rule' ? q.cover.end : undefined).toBe(e.coverEnd);
        if (e.waitDays !== undefined) expect(q.cover.status === 'decided' ? q.cover.waitDays : undefined).toBe(e.waitDays);
        if (e.newbornDeadline !== undefined) {
          expect(q.newborn && 'deadline' in q.newborn ? q.newborn.deadline : null).toBe(e.newbornDeadline);
        }
        if (e.missing !== undefined) expect([...q.missing].sort()).toEqual([...e.missing].sort());
        if (e.firstSteps !== undefined) expect(q.firstSteps.map((f) => f.when)).toEqual(e.firstSteps);
        if (e.undecidedCount !== undefined) expect(q.undecided.length).toBe(e.undecidedCount);
        const text = formatFull(q);
        for (const t of e.text ?? []) expect(text).toContain(t);
        for (const t of e.notText ?? []) expect(text).not.toContain(t);
        // every answer names its notice and at least one clause
        // (a draft is marked on the notice's name: 依据：方太乡…通知（征求意见稿） 二（一）)
        expect(text).toMatch(new RegExp(`依据：${rules.byId.get(data.region)!.notice.cite.replace(/[()（）〔〕[\]]/g, '.')}(?:（征求意见稿）)? \\S`));
      });
    }
  });
}
