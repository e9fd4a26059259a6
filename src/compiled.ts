/**
 * Everything the bot reads from rules/ and flows/ at start-up, in one place: parsed from YAML and checked by the
 * zod schemas, then (in a build, see scripts/build.mjs) kept as one JSON file in the cache folder.
 *
 * The cache is only a faster way to the same data. Its key is a hash of the build and of every file it was made
 * from, so an edited rule file, a new township or a new build is read and checked from the YAML again; a missing,
 * unreadable or foreign cache file is simply rebuilt. Reloading rules while running (app.reloadRules) always reads
 * the YAML. From source (tsx, tests) there is no build id and no cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityInfo, RuleSet } from './rules/load.ts';
import type { Flows } from './core/flows.ts';
import type { Chat } from './nlu/extra.ts';
import type { CadreFlow } from './cadre/tools.ts';
import type { Notice } from './rules/schema.ts';
import { FLOWS_DIR, RULES_DIR } from './paths.ts';

/** Set by scripts/build.mjs to a hash of the sources the build was made from. */
declare const __BUILD_ID__: string | undefined;
export const BUILD_ID: string | undefined = typeof __BUILD_ID__ === 'string' ? __BUILD_ID__ : undefined;

export interface Loaded {
  rules: RuleSet;
  flows: Flows;
  chat: Chat;
  cadreFlow: CadreFlow;
}

export interface LoadOptions {
  rulesDir?: string;
  flowsDir?: string;
  /** where the checked data is kept between starts; none: always read the YAML */
  cacheDir?: string;
  /** the build the cache must come from (default: this build's id; none when running from source) */
  buildId?: string;
  /** told whether the cache was used, and why it was not */
  onCache?: (event: { hit: boolean; reason?: string }) => void;
}

/** What the cache file holds: the RuleSet's maps become arrays. */
interface CacheFile {
  key: string;
  notices: Notice[];
  identities: [string, IdentityInfo][];
  flows: Flows;
  chat: Chat;
  cadreFlow: CadreFlow;
}

const CACHE_FILE = 'compiled.json';

/** a hash of the build and of every YAML file (name and content) in the two folders */
function cacheKey(buildId: string, rulesDir: string, flowsDir: string): string {
  const h = createHash('sha256').update(buildId);
  for (const dir of [rulesDir, flowsDir]) {
    h.update('\0dir');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
      h.update(`\0${f}\0`).update(readFileSync(join(dir, f)));
    }
  }
  return h.digest('hex');
}

function fromCache(file: CacheFile, rulesDir: string): Loaded {
  return {
    rules: {
      dir: rulesDir,
      notices: file.notices,
      byId: new Map(file.notices.map((n) => [n.id, n])),
      identities: new Map(file.identities),
    },
    flows: file.flows,
    chat: file.chat,
    cadreFlow: file.cadreFlow,
  };
}

/** Reads and checks the YAML (throws RulesError or a flows error on a bad file). */
async function fromYaml(rulesDir: string, flowsDir: string): Promise<Loaded> {
  // the YAML parser and the schemas are loaded only here, so a start from the cache does without them
  const { checkAll } = await import('./check.ts');
  return checkAll(rulesDir, flowsDir);
}

/** rules/ and flows/, checked; from the cache when this build has already checked these very files */
export async function loadAll(opts: LoadOptions = {}): Promise<Loaded> {
  const rulesDir = opts.rulesDir ?? RULES_DIR;
  const flowsDir = opts.flowsDir ?? FLOWS_DIR;
  const buildId = opts.buildId ?? BUILD_ID;
  if (!opts.cacheDir || !buildId) return fromYaml(rulesDir, flowsDir);
  const path = join(opts.cacheDir, CACHE_FILE);
  const key = cacheKey(buildId, rulesDir, flowsDir);
  let reason = 'no cache yet';
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (file.key === key) {
      opts.onCache?.({ hit: true });
      return fromCache(file, rulesDir);
    }
    reason = 'files or build changed';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') reason = `unreadable cache: ${(e as Error).message}`;
  }
  const loaded = await fromYaml(rulesDir, flowsDir);
  opts.onCache?.({ hit: false, reason });
  const file: CacheFile = {
    key,
    notices: loaded.rules.notices,
    identities: [...loaded.rules.identities],
    flows: loaded.flows,
    chat: loaded.chat,
    cadreFlow: loaded.cadreFlow,
  };
  try {
    mkdirSync(opts.cacheDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(file));
    renameSync(tmp, path);
  } catch {
    // a read-only folder only costs the next start the YAML reading
  }
  return loaded;
}
