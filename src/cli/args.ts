import { parseArgs } from 'node:util';
import { isIsoDate } from '../engine/dates.ts';

/** --today / --region shared by npm start and npm run ask; exits with code 2 on a wrong flag. */
export function commonArgs(argv: string[], usage: string) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        today: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    if (values.today !== undefined && !isIsoDate(values.today)) throw new Error(`--today 日期格式不对：${values.today}（应为 YYYY-MM-DD）`);
    return { today: values.today, region: values.region, positionals };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
