/**
 * The start file of a build (scripts/launch.mjs → dist/main.js): runs the CommonJS bundle beside it with a V8 code
 * cache. A start without a cache writes one when the process ends; a start whose cache V8 accepts leaves it as it
 * is; a damaged cache costs only the compiling and is written anew; stack traces give the bundle's own lines.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAUNCH = join(import.meta.dirname, '..', 'scripts', 'launch.mjs');

/**
 * A bundle that uses what CommonJS gives it and reports where an error was thrown; with MORE=1 it also runs a
 * part that a run without it never compiles (as the Telegram channel is never compiled by a console run).
 */
const MORE = Array.from({ length: 60 }, (_, i) => `function more${i}(x) { return [x, ${i}].map((y) => y * ${i + 1}).join('-'); }`);
const BUNDLE = [
  "const { basename } = require('node:path');",
  'function fails() {',
  '  throw new Error("here");', // line 3
  '}',
  'let at = "";',
  'try { fails(); } catch (e) { at = e.stack.split("\\n")[1]; }',
  'module.exports.ok = true;',
  'console.log(JSON.stringify({ file: basename(__filename), dir: basename(__dirname), exportsOk: module.exports.ok, at }));',
  ...MORE,
  `if (process.env.MORE) { let s = ''; ${MORE.map((_, i) => `s += more${i}(${i});`).join(' ')} }`,
].join('\n');

function app() {
  const dir = mkdtempSync(join(tmpdir(), 'launch-'));
  copyFileSync(LAUNCH, join(dir, 'app.mjs'));
  writeFileSync(join(dir, 'app.cjs'), BUNDLE);
  const cache = join(dir, 'app.cjs.cache');
  const run = (env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [join(dir, 'app.mjs')], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as { file: string; dir: string; exportsOk: boolean; at: string };
  };
  return { dir, cache, run };
}

describe('launch: a bundle started with a V8 code cache', () => {
  it('runs the bundle as CommonJS, with its own file, folder and line numbers', () => {
    const a = app();
    const out = a.run();
    expect(out.file).toBe('app.cjs');
    expect(out.dir).toBe(a.dir.split('/').pop());
    expect(out.exportsOk).toBe(true);
    expect(out.at).toMatch(/app\.cjs:3:\d+/);
  });

  it('writes the cache at the end of a start without one, and keeps a cache V8 accepts', () => {
    const a = app();
    expect(existsSync(a.cache)).toBe(false);
    a.run();
    expect(statSync(a.cache).size).toBeGreaterThan(0);
    const first = readFileSync(a.cache);
    const mtime = statSync(a.cache).mtimeMs;
    const out = a.run();
    expect(out.at).toMatch(/app\.cjs:3:\d+/);
    // accepted: not written again
    expect(statSync(a.cache).mtimeMs).toBe(mtime);
    expect(readFileSync(a.cache).equals(first)).toBe(true);
  });

  it('a damaged cache is not used: the start still works and writes a good one', () => {
    const a = app();
    writeFileSync(a.cache, 'not a code cache');
    const out = a.run();
    expect(out.exportsOk).toBe(true);
    const rewritten = readFileSync(a.cache);
    expect(rewritten.toString()).not.toBe('not a code cache');
    const mtime = statSync(a.cache).mtimeMs;
    a.run();
    expect(statSync(a.cache).mtimeMs).toBe(mtime);
  });

  it('a run that compiles clearly more than the cache holds writes a bigger one (a console start first, then Telegram)', () => {
    const a = app();
    a.run();
    const small = statSync(a.cache).size;
    a.run({ MORE: '1' });
    const big = statSync(a.cache).size;
    expect(big).toBeGreaterThan(small * 1.05);
    // the bigger cache is taken as it is by the next run of either kind
    const mtime = statSync(a.cache).mtimeMs;
    a.run();
    a.run({ MORE: '1' });
    expect(statSync(a.cache).mtimeMs).toBe(mtime);
  });
});
