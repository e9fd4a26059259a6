/**
 * npm start [-- --today YYYY-MM-DD --region 地区]
 * Starts every channel whose settings are present (Telegram: TELEGRAM_BOT_TOKEN; WeChat: WECHATY_PUPPET);
 * the console chat when none are.
 */
import { readConfig, ConfigError, type Config } from './config.ts';
import { createApp, type App } from './app.ts';
import { createLogger, type Logger } from './log.ts';
import { ChatQueue } from './channels/queue.ts';
import { commonArgs } from './cli/args.ts';

// settings from .env in the working folder, if there is one; what is already in the environment wins
try {
  process.loadEnvFile();
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

const USAGE = '用法：npm start -- [--today YYYY-MM-DD] [--region 地区]';
const args = commonArgs(process.argv.slice(2), USAGE);

interface Channel {
  /** chat-id prefix of this channel (`tg:`, `wx:`), for reminders */
  prefix: string;
  send(chatId: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

// each platform's libraries are loaded only when that channel is configured (wechaty alone takes a second)
async function telegram(config: Config, app: App, log: Logger): Promise<Channel> {
  const { createTelegramBot, startTelegram } = await import('./channels/telegram.ts');
  const bot = createTelegramBot({
    token: config.TELEGRAM_BOT_TOKEN!,
    apiRoot: config.TELEGRAM_API_ROOT,
    core: app.handler,
    adminIds: config.ADMIN_IDS,
    log: log.child({ channel: 'telegram' }),
    now: app.clock.now,
  });
  const handle = await startTelegram(bot, {
    webhookUrl: config.TELEGRAM_WEBHOOK_URL,
    webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
    port: config.TELEGRAM_WEBHOOK_PORT,
    log: log.child({ channel: 'telegram' }),
  });
  return {
    prefix: 'tg:',
    send: async (chatId, text) => {
      await bot.api.sendMessage(Number(chatId.slice(3)), text, { link_preview_options: { is_disabled: true } });
    },
    stop: () => handle.stop(),
  };
}

async function wechat(config: Config, app: App, log: Logger): Promise<Channel> {
  const { createWechatyBot, WECHAT_SEND_JITTER_MS } = await import('./channels/wechaty.ts');
  const wlog = log.child({ channel: 'wechat' });
  const queue = new ChatQueue({
    minIntervalMs: config.WECHAT_SEND_INTERVAL_MS,
    jitterMs: WECHAT_SEND_JITTER_MS,
    onError: (err) => wlog.error({ err }, 'wechat send failed'),
  });
  const bot = createWechatyBot({
    puppetName: config.WECHATY_PUPPET,
    puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
    name: config.WECHATY_NAME,
    core: app.handler,
    adminIds: config.ADMIN_IDS,
    queue,
    log: wlog,
    now: app.clock.now,
  });
  wlog.info({ puppet: config.WECHATY_PUPPET }, 'wechat: starting');
  await bot.start();
  return {
    prefix: 'wx:',
    send: async (chatId, text) => {
      const room = await bot.Room.find({ id: chatId.slice(3) });
      if (!room) throw new Error('the bot is not in this WeChat group any more');
      await queue.push(chatId, () => room.say(text));
    },
    stop: () => bot.stop(),
  };
}

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
    const { runConsole } = await import('./channels/console.ts');
    await runConsole(app.handler, app.clock);
    await app.close();
    return;
  }

  const channels: Channel[] = [];
  try {
    if (config.TELEGRAM_BOT_TOKEN) channels.push(await telegram(config, app, log));
    if (config.WECHATY_PUPPET) channels.push(await wechat(config, app, log));
  } catch (e) {
    log.fatal({ err: e }, 'a channel could not start');
    await Promise.allSettled(channels.map((c) => c.stop()));
    await app.close();
    process.exit(1);
  }
  const stopReminders = app.startReminders(async (chatId, text) => {
    const channel = channels.find((c) => chatId.startsWith(c.prefix));
    if (!channel) throw new Error(`no running channel for ${chatId.slice(0, 3)}`);
    await channel.send(chatId, text);
  });
  log.info({ channels: channels.map((c) => c.prefix), today: app.clock.today(), store: app.state.kind }, 'bot started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stopReminders();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
