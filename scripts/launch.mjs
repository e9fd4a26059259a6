/**
 * The start file of a build (dist/main.js; scripts/build.mjs copies it beside each bundle): runs the bundle next
 * to it (main.js → main.cjs) with a V8 code cache (main.cjs.cache).
 *
 * Without a cache, V8 parses the whole bundle and then compiles each function the first time it runs; with one,
 * it takes the compiled code from the file. The cache is written when the process ends, so it holds every
 * function this run compiled (settings, rules, channel, answering a question), and the next start skips that work;
 * a later run that compiled clearly more (another channel) writes it again.
 * A missing, unreadable or rejected cache (another Node version or V8 flags) only costs that start the compiling,
 * and is written anew; a folder that cannot be written to keeps the bot running without one.
 *
 * This is what Node 22's `module.enableCompileCache()` does for ES modules; the bot supports Node 20, which has
 * it only for scripts (`vm.Script` cachedData). The build deletes the folder, cache included, when the sources
 * change, so a cache always belongs to the bundle beside it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(import.meta.url).replace(/\.m?js$/, '.cjs');
const cacheFile = `${bundle}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // first start of this build
}
const source = readFileSync(bundle, 'utf8');
// the CommonJS wrapper on a line of its own (lineOffset -1): stack traces give the bundle's own line numbers
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
  filename: bundle,
  lineOffset: -1,
  cachedData,
});
// At the end, the cache is (re)written when there was none that V8 took, or when this run compiled clearly more
// than the cache held: a first start that only printed a settings error, or ran the console chat, leaves a cache
// without the Telegram code, and the next Telegram start makes it whole.
const taken = cachedData && !script.cachedDataRejected ? cachedData.length : 0;
process.once('exit', () => {
  try {
    const data = script.createCachedData();
    if (data.length <= taken * 1.05) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, cacheFile);
  } catch {
    // a read-only build folder: every start compiles
  }
});
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
