/**
 * Transcript tests kept as data (test/transcripts/*.yaml): user lines, the fragments each reply must
 * contain and must not contain. The same transcripts run through the core and through every channel.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { isoDate } from '../../src/rules/schema.ts';

const turn = z
  .object({
    user: z.string(),
    /** minutes to wait before this line (idle expiry) */
    after: z.number().optional(),
    expect: z.array(z.string()).default([]),
    forbid: z.array(z.string()).default([]),
    /** the bot must stay silent */
    silent: z.boolean().optional(),
  })
  .strict();

export const transcriptSchema = z
  .object({
    name: z.string(),
    today: isoDate.default('2023-11-01'),
    region: z.string().optional(),
    forwarded: z.boolean().optional(),
    turns: z.array(turn).min(1),
  })
  .strict();
export type Transcript = z.infer<typeof transcriptSchema>;

export const TRANSCRIPT_DIR = join(import.meta.dirname, '..', 'transcripts');

export function loadTranscripts(): { file: string; t: Transcript }[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(join(TRANSCRIPT_DIR, file), 'utf8')) as unknown[];
      return z.array(transcriptSchema).parse(doc).map((t) => ({ file, t }));
    });
}

/** Every fact-stating reply names its source. */
export const SOURCE_LINE = /依据：\S+/;

/**
 * Checks one reply against a turn; `reply` is all the text the bot sent for that line (joined),
 * or '' when it stayed silent.
 */
export function checkTurn(turnIndex: number, t: Transcript['turns'][number], reply: string): string[] {
  const problems: string[] = [];
  const where = `turn ${turnIndex + 1} 「${t.user}」`;
  if (t.silent && reply) problems.push(`${where}: expected silence, got:\n${reply}`);
  if (!t.silent && !reply) problems.push(`${where}: no reply`);
  for (const e of t.expect) if (!reply.includes(e)) problems.push(`${where}: missing 「${e}」 in:\n${reply}`);
  for (const f of t.forbid) if (reply.includes(f)) problems.push(`${where}: must not contain 「${f}」 in:\n${reply}`);
  return problems;
}
