/**
 * npm start [-- --today YYYY-MM-DD --region 地区]
 * Starts every channel whose settings are present; the console chat when none are.
 */
import 'dotenv/config';
import { readConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { createLogger } from './log.ts';
import { runConsole } from './channels/console.ts';
import { commonArgs } from './cli/args.ts';

const USAGE = '用法：npm start -- [--today YYYY-MM-DD] [--region 地区]';
const args = commonArgs(process.argv.slice(2), USAGE);

async function main() {
  let config;
  try {
    config = readConfig({ ...process.env, ...(args.today ? { BOT_TODAY: args.today } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const consoleOnly = !config.TELEGRAM_BOT_TOKEN && !config.WECHATY_PUPPET;
  const log = createLogger(consoleOnly ? 'warn' : config.LOG_LEVEL);
  const app = await createApp(config, { region: args.region, log, watchRules: true });
  if (consoleOnly) {
    await runConsole(app.handler, app.clock);
    await app.close();
    return;
  }
  log.error('platform channels are not built yet');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
