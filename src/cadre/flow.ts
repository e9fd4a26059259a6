/** flows/cadre.yaml: the cadre commands' words and wording, read and checked by zod. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_FLOWS_DIR } from '../core/flows.ts';
import { COMMANDS } from './tools.ts';

const cadreSchema = z
  .object({
    commands: z.record(z.enum(COMMANDS), z.object({ words: z.array(z.string()).min(1), slash: z.array(z.string()).min(1), help: z.string() }).strict()),
    messages: z.record(z.string(), z.string()),
  })
  .strict();
export type CadreFlow = z.infer<typeof cadreSchema>;

export function loadCadreFlow(dir = DEFAULT_FLOWS_DIR): CadreFlow {
  return cadreSchema.parse(parse(readFileSync(join(dir, 'cadre.yaml'), 'utf8')));
}
