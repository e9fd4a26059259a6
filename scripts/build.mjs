/**
 * npm run build (run by `npm start` first): bundles the bot with esbuild into dist/, so a start loads one file
 * instead of compiling a hundred TypeScript modules through tsx and resolving each package's files.
 * dist/main.cjs is the program as one CommonJS file; dist/main.js (scripts/launch.mjs) starts it with a V8 code
 * cache, which Node 20 offers for scripts only. Packages that load files of their own at run time or are large
 * and optional (wechaty and its puppets, ioredis) are required from node_modules when first used.
 * Skips the work when dist/ was built from the same sources.
 *
 * The build id (a hash of the sources) is compiled in as __BUILD_ID__: the rules-and-flows cache
 * (src/compiled.ts) is only trusted when it was written by the very same build.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** packages that load files of their own at run time, or are large and optional: required from node_modules */
const EXTERNAL = ['wechaty', 'wechaty-puppet', 'wechaty-puppet-*', 'qrcode-terminal', '@swc/*', 'ioredis'];

const CHECK = join(ROOT, 'src', 'check.ts');
/** the start file of a build, copied beside each bundle */
const LAUNCH = join(ROOT, 'scripts', 'launch.mjs');
/**
 * `import('./check.ts')` in the bot becomes a require() of the separately built check.cjs beside the bundle, when
 * it is first imported (a dynamic import() would need a loader the code cache's vm.Script does not have).
 */
const checkApart = {
  name: 'check-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]check\.ts$/ }, (args) =>
      join(args.resolveDir, args.path) === CHECK ? { path: 'check', namespace: 'check-apart' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'check-apart' }, () => ({
      contents: "module.exports = require(require('node:path').join(__dirname, 'check.cjs'));",
      loader: 'js',
    }));
  },
};

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** a hash of everything that goes into a build: the sources, the locked package versions, this script */
export function buildId(extra = []) {
  const h = createHash('sha256');
  const inputs = [...files(join(ROOT, 'src')), ...extra, join(ROOT, 'package-lock.json'), fileURLToPath(import.meta.url)];
  for (const f of inputs.sort()) h.update(`\0${relative(ROOT, f)}\0`).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

/**
 * Bundles `entryPoints` ({ name: path }) into `outdir` unless it already holds this build: for each, `<name>.cjs`
 * (the program, one file) and `<name>.js`, the file to start (scripts/launch.mjs: runs the bundle with a V8 code
 * cache). Returns whether it built.
 */
export async function build({ entryPoints = { main: join(ROOT, 'src', 'main.ts') }, outdir = join(ROOT, 'dist'), extraInputs = [] } = {}) {
  const id = buildId([...Object.values(entryPoints), ...extraInputs, LAUNCH]);
  const stamp = join(outdir, 'BUILD_ID');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === id) return false;
  rmSync(outdir, { recursive: true, force: true });
  const common = {
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // smaller files to compile at every start; names are kept (node-fetch, inside grammY, checks class names)
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    external: EXTERNAL,
    define: { __BUILD_ID__: JSON.stringify(id) },
    logLevel: 'warning',
  };
  // The program as one CommonJS file: a script, which Node 20 can start from a V8 code cache (ES modules it
  // cannot). Parts loaded on demand (a channel, Redis, chrono's Chinese parsers) are in the file but run only when
  // first imported. src/check.ts (YAML parser, full zod: only when the cache of checked rules is stale or rules
  // are reloaded) stays a file of its own, built below.
  const cjs = {
    ...common,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    define: { ...common.define, 'import.meta.url': '__import_meta_url' },
    banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  };
  await esbuild.build({ ...cjs, entryPoints, plugins: [checkApart] });
  await esbuild.build({ ...cjs, entryPoints: { check: CHECK } });
  for (const name of Object.keys(entryPoints)) copyFileSync(LAUNCH, join(outdir, `${name}.js`));
  writeFileSync(stamp, id);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const built = await build();
  if (built) process.stderr.write(`built dist/ in ${Math.round(performance.now() - t0)} ms\n`);
}
