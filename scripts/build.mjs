/**
 * npm run build (run by `npm start` first): bundles the bot with esbuild into dist/, so a start loads one file
 * per part instead of compiling a hundred TypeScript modules through tsx and resolving each package's files.
 * Platform libraries stay in their own chunks, loaded only when that channel is set up (wechaty and its puppets,
 * which load their own files, stay in node_modules). Skips the work when dist/ was built from the same sources.
 *
 * The build id (a hash of the sources) is compiled in as __BUILD_ID__: the rules-and-flows cache
 * (src/compiled.ts) is only trusted when it was written by the very same build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** packages that load files of their own at run time, or are large and optional: required from node_modules */
const EXTERNAL = ['wechaty', 'wechaty-puppet', 'wechaty-puppet-*', 'qrcode-terminal', '@swc/*'];

const CHECK = join(ROOT, 'src', 'check.ts');
/** `import('./check.ts')` in the bot becomes an import of the separately built dist/check.js */
const checkApart = {
  name: 'check-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]check\.ts$/ }, (args) =>
      join(args.resolveDir, args.path) === CHECK ? { path: './check.js', external: true } : undefined,
    );
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
 * Bundles `entryPoints` ({ name: path }) into `outdir` unless it already holds this build.
 * Returns whether it built.
 */
export async function build({ entryPoints = { main: join(ROOT, 'src', 'main.ts') }, outdir = join(ROOT, 'dist'), extraInputs = [] } = {}) {
  const id = buildId([...Object.values(entryPoints), ...extraInputs]);
  const stamp = join(outdir, 'BUILD_ID');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === id) return false;
  rmSync(outdir, { recursive: true, force: true });
  const common = {
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // smaller files to compile at every start; names are kept (node-fetch, inside grammY, checks class names)
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    external: EXTERNAL,
    define: { __BUILD_ID__: JSON.stringify(id) },
    // bundled CommonJS packages call require() for Node's own modules
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  };
  // The bot, with a chunk per lazily loaded part. src/check.ts (YAML parser, full zod) is left out and built as a
  // file of its own below: otherwise the code it shares with the bot's settings (zod/mini) would be put in a
  // common chunk that every start loads.
  await esbuild.build({ ...common, entryPoints, splitting: true, plugins: [checkApart] });
  await esbuild.build({ ...common, entryPoints: { check: CHECK } });
  writeFileSync(stamp, id);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const built = await build();
  if (built) process.stderr.write(`built dist/ in ${Math.round(performance.now() - t0)} ms\n`);
}
