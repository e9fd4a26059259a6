/** npm run ask -- [--today D] [--region R] "<message>": answers one message as a forwarded question and exits. */
import { readConfig } from '../config.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { commonArgs } from './args.ts';
import { EmbeddedState } from '../state/embedded.ts';

const USAGE = '用法：npm run ask -- [--today YYYY-MM-DD] [--region 地区] "问题"';
const args = commonArgs(process.argv.slice(2), USAGE);
const text = args.positionals.join(' ').trim();
if (!text) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
try {
  const config = readConfig({ ...process.env, ...(args.today ? { BOT_TODAY: args.today } : {}) });
  const app = await createApp(config, { region: args.region, log: createLogger('warn'), state: await EmbeddedState.open({ dir: '', memoryOnly: true }) });
  const replies = await app.handler.handle({
    chatId: 'ask',
    userId: 'ask',
    chatType: 'private',
    mentioned: true,
    forwarded: true,
    text,
    time: app.clock.now(),
  });
  process.stdout.write(`${replies.map((r) => r.text).join('\n\n')}\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
