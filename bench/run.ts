/**
 * npm run bench — speed and memory against references measured in the same run; prints a table and writes
 * bench/results.json. Not part of npm test: timings depend on the machine and what else it is doing.
 *
 * Run with `node --expose-gc --import tsx bench/run.ts` (what `npm run bench` does); BENCH_QUICK=1 for a short run.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadRules } from '../src/rules/load.ts';
import { benchEngine } from './engine.ts';
import { benchMemory } from './memory.ts';
import { benchFileStore, benchTelegram } from './telegram.ts';

const quick = process.env.BENCH_QUICK === '1';
const HERE = import.meta.dirname;

/** wall time from spawning `node --import tsx <script>` to its "ready" line, median of n runs */
async function startup(script: string, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--v8-pool-size')), '--import', 'tsx', join(HERE, 'startup', script)], { cwd: join(HERE, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready') && times.length === i) times.push(performance.now() - t0);
      });
      p.on('exit', (code) => (code === 0 && times.length === i + 1 ? resolve() : reject(new Error(`${script} exited ${code}`))));
    });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
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

  const tg = await benchTelegram(quick ? 3 : 20);
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

  const mem = await benchMemory(rules, quick ? 20_000 : 100_000);
  rows.push({ figure: `memory per open dialogue (${mem.dialogues} open)`, value: mem.bytesPerDialogue, unit: 'bytes', reference: null, referenceName: '—', ratio: null, target: '≤ 2048 bytes', met: mem.bytesPerDialogue <= 2048 });

  const n = quick ? 3 : 7;
  const ours = await startup('ours.ts', n);
  const echo = await startup('echo.ts', n);
  rows.push({ figure: 'start-up to first answer', value: ours, unit: 'ms', reference: echo, referenceName: 'grammY echo bot', ratio: ours / echo, target: '≤ 1.5× echo', met: ours / echo <= 1.5 });

  const fmt = (v: number | null) => (v === null ? '—' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 1 ? 2 : 3));
  const table = [
    '| figure | ours | reference | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${fmt(r.value)} ${r.unit} | ${r.reference === null ? '—' : `${fmt(r.reference)} ${r.unit} (${r.referenceName})`} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`),
  ].join('\n');
  process.stdout.write(`${table}\n\n${tg.updates} updates per run (${tg.answered} messages sent); machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}\n`);
  writeFileSync(
    join(HERE, 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, rows, telegram: tg, fileStore, engine: eng, memory: mem, startup: { ours, echo } }, null, 2)}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
