/**
 * npm run bench — speed and memory against references measured in the same run; prints a table and writes
 * bench/results.json. Not part of npm test: timings depend on the machine and what else it is doing.
 *
 * Run with `node --expose-gc --import tsx bench/run.ts` (what `npm run bench` does); BENCH_QUICK=1 for a short run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadRules } from '../src/rules/load.ts';
import { build } from '../scripts/build.mjs';
import { privateText, startBotApi } from '../test/support/bot-api-server.ts';
import { benchEngine } from './engine.ts';
import { benchMemory } from './memory.ts';
import { benchFileStore, benchTelegram } from './telegram.ts';

const quick = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=startup (or telegram, engine, memory; comma-separated): run only those parts; results.json is not written */
const only = process.env.BENCH_ONLY?.split(',');
const want = (part: string) => !only || only.includes(part);
const HERE = import.meta.dirname;

/**
 * Medians of n starts of each bot, taken in turns (A B A B…), so that a slower or faster spell of this shared
 * machine falls on both alike rather than on whichever ran in it.
 */
async function startupsInTurn(bots: { script: string; env?: NodeJS.ProcessEnv }[], n: number): Promise<number[]> {
  const times = bots.map(() => [] as number[]);
  for (let i = 0; i < n; i++) for (const [k, b] of bots.entries()) times[k]!.push(...(await startTimes(b.script, 1, b.env)));
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/**
 * Wall times from spawning a bot process to its first answer, n starts. The process talks to a local stand-in
 * for the Bot API (TELEGRAM_API_ROOT), where a resident's question is already waiting: it has to read its
 * settings, get ready, connect (getMe, deleteWebhook), long-poll, and answer (sendMessage).
 */
async function startTimes(script: string, n: number, env: NodeJS.ProcessEnv = {}): Promise<number[]> {
  const times: number[] = [];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TELEGRAM_|WECHATY_|REDIS_URL|BOT_)/.test(k)));
  for (let i = 0; i < n; i++) {
    const api = await startBotApi();
    // a new resident and message id each start: restarts share DATA_DIR, where the guards remember answered ids
    api.push(privateText((Date.now() % 1e9) * 10 + i, '方太乡低保户2023年11月5日交多少钱'));
    const answered = api.nextSent();
    const t0 = performance.now();
    const p = spawn(process.execPath, ['--v8-pool-size=1', script], {
      cwd: join(HERE, '..'),
      env: { ...clean, TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, BOT_TODAY: '2023-11-01', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    const first = await Promise.race([answered, exited.then((code) => Promise.reject(new Error(`${script} exited ${code}`)))]);
    times.push(first.at - t0);
    p.kill('SIGTERM');
    await exited;
    await api.close();
  }
  return times;
}

interface Row {
  figure: string;
  value: number;
  unit: string;
  reference: number | null;
  referenceName: string;
  ratio: number | null;
  target: string;
  met: boolean;
}

async function main() {
  const rules = loadRules();
  const rows: Row[] = [];

  const results: Record<string, unknown> = {};
  if (want('telegram')) {
  const tg = await benchTelegram(quick ? 3 : 20);
  results.telegram = tg;
  rows.push({
    figure: 'throughput via Telegram handleUpdate',
    value: tg.ours.perSec,
    unit: 'msg/s',
    reference: tg.echo.perSec,
    referenceName: 'grammY echo bot',
    ratio: tg.ours.perSec / tg.echo.perSec,
    target: '≥ 1/3 of echo',
    met: tg.ours.perSec / tg.echo.perSec >= 1 / 3,
  });
  rows.push({ figure: 'latency p50', value: tg.ours.p50, unit: 'ms', reference: tg.echo.p50, referenceName: 'grammY echo bot', ratio: tg.ours.p50 / tg.echo.p50, target: '—', met: true });
  rows.push({ figure: 'latency p99', value: tg.ours.p99, unit: 'ms', reference: tg.echo.p99, referenceName: 'grammY echo bot', ratio: tg.ours.p99 / tg.echo.p99, target: '< 1 ms', met: tg.ours.p99 < 1 });

  const fileStore = await benchFileStore(quick ? 2 : 5);
  results.fileStore = fileStore;
  rows.push({
    figure: 'throughput with the default file store (DATA_DIR)',
    value: fileStore.perSec,
    unit: 'msg/s',
    reference: tg.ours.perSec,
    referenceName: 'same bot, state in memory',
    ratio: fileStore.perSec / tg.ours.perSec,
    target: '— (informative)',
    met: true,
  });

  }

  if (want('engine')) {
  const eng = await benchEngine(rules, quick ? 500 : 3000);
  if (eng.mismatches) throw new Error(`the engine and ZEN disagree on ${eng.mismatches} situations`);
  rows.push({
    figure: `rules engine (${eng.situations} situations, 0 mismatches)`,
    value: eng.oursPerSec,
    unit: 'quotes/s',
    reference: eng.zenPerSec,
    referenceName: '@gorules/zen-engine JDM table',
    ratio: eng.oursPerSec / eng.zenPerSec,
    target: '≥ 20× ZEN',
    met: eng.oursPerSec / eng.zenPerSec >= 20,
  });

  results.engine = eng;
  }

  if (want('memory')) {
  const mem = await benchMemory(rules, quick ? 20_000 : 100_000);
  results.memory = mem;
  rows.push({ figure: `memory per open dialogue (${mem.dialogues} open)`, value: mem.bytesPerDialogue, unit: 'bytes', reference: null, referenceName: '—', ratio: null, target: '≤ 2048 bytes', met: mem.bytesPerDialogue <= 2048 });

  }

  if (want('startup')) {
  const n = quick ? 3 : 9;
  // both bots built the way `npm start` builds ours (scripts/build.mjs), run with the same node flags
  await build();
  const outdir = join(HERE, '.build');
  await build({ entryPoints: { echo: join(HERE, 'startup', 'echo.ts') }, outdir });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  // The first start of a new build has no caches: it reads and checks the YAML (kept in DATA_DIR) and compiles the
  // code (kept in the V8 code cache beside the bundle, scripts/launch.mjs); restarts use both. Each bot's code cache
  // is made anew here by a start like the measured ones.
  rmSync(join(HERE, '..', 'dist', 'main.cjs.cache'), { force: true });
  rmSync(join(outdir, 'echo.cjs.cache'), { force: true });
  const [firstStart] = (await startTimes(join(HERE, '..', 'dist', 'main.js'), 1, { DATA_DIR: dataDir })) as [number];
  await startTimes(join(outdir, 'echo.js'), 1);
  const [ours, echo] = (await startupsInTurn([{ script: join(HERE, '..', 'dist', 'main.js'), env: { DATA_DIR: dataDir } }, { script: join(outdir, 'echo.js') }], n)) as [number, number];
  rows.push({ figure: 'start-up to first answer (restart)', value: ours, unit: 'ms', reference: echo, referenceName: 'grammY echo bot', ratio: ours / echo, target: '≤ 1.5× echo', met: ours / echo <= 1.5 });
  rows.push({ figure: 'start-up, first after a new build', value: firstStart, unit: 'ms', reference: echo, referenceName: 'grammY echo bot', ratio: firstStart / echo, target: '— (informative)', met: true });
  results.startup = { ours, firstStart, echo };
  rmSync(dataDir, { recursive: true, force: true });
  }

  const fmt = (v: number | null) => (v === null ? '—' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 1 ? 2 : 3));
  const table = [
    '| figure | ours | reference | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${fmt(r.value)} ${r.unit} | ${r.reference === null ? '—' : `${fmt(r.reference)} ${r.unit} (${r.referenceName})`} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`),
  ].join('\n');
  const tg = results.telegram as Awaited<ReturnType<typeof benchTelegram>> | undefined;
  const mix = tg ? `${tg.updates} updates per run (${tg.answered} messages sent); ` : '';
  process.stdout.write(`${table}\n\n${mix}machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}\n`);
  if (only) return;
  writeFileSync(
    join(HERE, 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, rows, ...results }, null, 2)}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
