/**
 * Realistic one-line questions in everyday Chinese (test/questions.yaml), each answered as a forwarded
 * question in one go, with the facts the answer must and must not contain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isoDate } from '../src/rules/schema.ts';
import { testCore } from './support/core.ts';
import { SOURCE_LINE } from './support/transcripts.ts';

const questionSchema = z
  .object({
    q: z.string().min(1),
    today: isoDate.default('2023-11-01'),
    region: z.string().optional(),
    expect: z.array(z.string()).min(1),
    forbid: z.array(z.string()).default([]),
  })
  .strict();

const questions = z.array(questionSchema).parse(parse(readFileSync(join(import.meta.dirname, 'questions.yaml'), 'utf8')));

describe('one-line questions', () => {
  it('there are at least 80', () => expect(questions.length).toBeGreaterThanOrEqual(80));
  for (const [i, item] of questions.entries()) {
    it(`${i + 1}. ${item.q}`, async () => {
      const { core, clock } = testCore({ today: item.today, region: item.region });
      const replies = await core.handle({
        chatId: 'g1',
        userId: 'u1',
        chatType: 'private',
        mentioned: true,
        forwarded: true,
        text: item.q,
        time: clock.now(),
      });
      const text = replies.map((r) => r.text).join('\n');
      for (const e of item.expect) expect(text, `missing 「${e}」`).toContain(e);
      for (const f of item.forbid) expect(text, `must not contain 「${f}」`).not.toContain(f);
      if (/\d+元/.test(text)) expect(text).toMatch(SOURCE_LINE);
    });
  }
});
