/**
 * npm run quote -- --region 方太 --identity 低保 [--tier 1|2] [--paid 2024-03-01] [--born 2024-05-01] [--today D] [--json]
 * Prints the whole cited answer for one situation. Exit code 2 on a wrong flag, region or identity.
 */
import { parseArgs } from 'node:util';
import { loadRules } from '../rules/load.ts';
import { findIdentity, findRegion } from '../rules/lookup.ts';
import { quote, type Situation } from '../engine/quote.ts';
import { formatFull } from '../engine/format.ts';
import { isIsoDate, systemClock } from '../engine/dates.ts';
import { FACTS, type FactName } from '../rules/schema.ts';

const USAGE = `用法：npm run quote -- --region <地区> [--identity 低保 ...] [--tier 1|2] [--paid YYYY-MM-DD]
       [--born YYYY-MM-DD] [--fact studyInProvince=true] [--history new|interrupted|continuing]
       [--today YYYY-MM-DD] [--json]`;

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        region: { type: 'string' },
        identity: { type: 'string', multiple: true, default: [] },
        tier: { type: 'string' },
        paid: { type: 'string' },
        born: { type: 'string' },
        fact: { type: 'string', multiple: true, default: [] },
        history: { type: 'string' },
        today: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail(`参数错误：${(e as Error).message}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const rules = loadRules();
  if (!values.region) fail('缺少 --region');
  const region = findRegion(rules, values.region);
  if (!region) fail(`不认识的地区：${values.region}（现有：${rules.notices.map((n) => n.region.short).join('、')}）`);
  const identities = values.identity.flatMap((w) => w.split(/[,，、]/)).filter(Boolean).map((w) => {
    const id = findIdentity(rules, w);
    if (!id) fail(`不认识的身份：${w}`);
    return id;
  });
  for (const [flag, v] of [['--paid', values.paid], ['--born', values.born], ['--today', values.today]] as const) {
    if (v !== undefined && !isIsoDate(v)) fail(`${flag} 日期格式不对：${v}（应为 YYYY-MM-DD）`);
  }
  let tier: number | undefined;
  if (values.tier !== undefined) {
    tier = Number(values.tier);
    if (!region.tiers.some((t) => t.id === tier)) fail(`${region.region.short}没有第${values.tier}档（可选：${region.tiers.map((t) => t.id).join('、')}）`);
  }
  const facts: Partial<Record<FactName, boolean>> = {};
  for (const f of values.fact) {
    const [k, v] = f.split('=');
    if (!FACTS.includes(k as FactName) || (v !== 'true' && v !== 'false')) fail(`--fact 写法：${FACTS.join('|')}=true|false`);
    facts[k as FactName] = v === 'true';
  }
  const history = values.history;
  if (history !== undefined && !['new', 'interrupted', 'continuing'].includes(history)) fail(`--history 只能是 new、interrupted 或 continuing`);
  const s: Situation = {
    region: region.id,
    identities,
    tier,
    paidOn: values.paid,
    bornOn: values.born,
    facts,
    history: history as Situation['history'],
    today: systemClock(values.today ?? process.env.BOT_TODAY).today(),
  };
  const q = quote(rules, s);
  process.stdout.write(values.json ? `${JSON.stringify(q, null, 2)}\n` : `${formatFull(q)}\n`);
}

main();
