import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { RULES_DIR } from '../paths.ts';
import { catalogueSchema, noticeSchema, type Catalogue, type Notice } from './schema.ts';

export const DEFAULT_RULES_DIR = RULES_DIR;
export const CATALOGUE_FILE = 'catalogue.yaml';

export class RulesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`规则文件有错（${file}）：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RulesError';
  }
}

export interface IdentityInfo {
  id: string;
  name: string;
  aliases: string[];
  fromAge?: number;
  atAge?: { from: number; id: string };
}

/** Everything the engine and the conversation read, parsed and indexed once. */
export interface RuleSet {
  dir: string;
  notices: Notice[];
  byId: Map<string, Notice>;
  identities: Map<string, IdentityInfo>;
}

function describe(file: string, error: z.ZodError): RulesError {
  return new RulesError(
    file,
    error.issues.map((i) => `${i.path.length ? i.path.join('.') : '（整个文件）'}：${i.message}`),
  );
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RulesError(file, [`读不到文件：${(e as Error).message}`]);
  }
  try {
    return parse(text, { merge: true });
  } catch (e) {
    throw new RulesError(file, [`YAML 格式错误：${(e as Error).message}`]);
  }
}

export function parseNotice(file: string, raw: unknown, catalogue: Catalogue): Notice {
  const result = noticeSchema.safeParse(raw);
  if (!result.success) throw describe(file, result.error);
  const known = new Set(catalogue.identities.map((i) => i.id));
  const unknown = Object.keys(result.data.identities).filter((id) => !known.has(id));
  const badCovers = Object.entries(result.data.identities).flatMap(([id, t]) =>
    (t.covers ?? []).filter((c) => !known.has(c)).map((c) => `identities.${id}.covers：身份目录（${CATALOGUE_FILE}）里没有“${c}”`),
  );
  if (unknown.length || badCovers.length) {
    throw new RulesError(file, [...unknown.map((id) => `identities.${id}：身份目录（${CATALOGUE_FILE}）里没有这个身份`), ...badCovers]);
  }
  return result.data;
}

/** Reads rules/: the identity catalogue and one notice per other *.yaml file. Throws RulesError on any problem. */
export function loadRules(dir: string = DEFAULT_RULES_DIR): RuleSet {
  const catFile = join(dir, CATALOGUE_FILE);
  const cat = catalogueSchema.safeParse(readYaml(catFile));
  if (!cat.success) throw describe(catFile, cat.error);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== CATALOGUE_FILE)
    .sort();
  const notices = files.map((f) => parseNotice(join(dir, f), readYaml(join(dir, f)), cat.data));
  if (notices.length === 0) throw new RulesError(dir, ['没有任何通知规则文件（*.yaml）']);
  const byId = new Map<string, Notice>();
  for (const [i, n] of notices.entries()) {
    if (byId.has(n.id)) throw new RulesError(join(dir, files[i]!), [`id：与另一个文件重复（${n.id}）`]);
    byId.set(n.id, n);
  }
  const ids = new Set(cat.data.identities.map((i) => i.id));
  const badAge = cat.data.identities.filter((i) => i.atAge && !ids.has(i.atAge.id));
  if (badAge.length) throw new RulesError(join(dir, CATALOGUE_FILE), badAge.map((i) => `${i.id}.atAge.id：目录里没有这个身份（${i.atAge!.id}）`));
  return {
    dir,
    notices,
    byId,
    identities: new Map(cat.data.identities.map((i) => [i.id, i])),
  };
}
