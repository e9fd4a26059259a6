// zod/mini: the same checks as zod, a fraction of the code to load at every start (the rule schemas use full zod,
// loaded only when YAML is read); messages in Chinese, for the cadre who set the bot up
import * as z from 'zod/mini';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { isIsoDate } from './engine/dates.ts';

z.config(zhCN());

/** an optional text setting; empty counts as not set */
const text = () => z.pipe(z.optional(z.string()), z.transform((v) => v || undefined));
const list = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v ?? '').split(/[,，\s]+/).filter(Boolean)),
);
const int = (def: number, min = 0) => z._default(z.coerce.number().check(z.int(), z.minimum(min)), def);
const matching = (re: RegExp, message: string) => text().check(z.refine((v) => v === undefined || re.test(v), message));

/** Every setting comes from the environment (or .env); each is documented in .env.example. */
export const envSchema = z.object({
  BOT_TODAY: text().check(z.refine((v) => v === undefined || isIsoDate(v), '要写成 YYYY-MM-DD，例如 2023-11-01')),
  BOT_REGION: text(),
  RULES_DIR: text(),
  LOG_LEVEL: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  TRIGGER_WORDS: z.pipe(list, z.transform((v) => (v.length ? v : ['医保']))),
  SESSION_IDLE_MINUTES: int(30, 1),
  SESSION_MAX: int(100_000, 100),
  DATA_DIR: z._default(z.string(), './data'),
  REDIS_URL: text(),
  ADMIN_IDS: list,
  // Telegram
  TELEGRAM_BOT_TOKEN: matching(/^\d+:[\w-]{20,}$/, '不像 Telegram 的 token（应为 123456:ABC... 的样子，向 @BotFather 要）'),
  TELEGRAM_WEBHOOK_URL: matching(/^https:\/\//, '必须是 https:// 开头的公网地址'),
  TELEGRAM_WEBHOOK_SECRET: text(),
  TELEGRAM_API_ROOT: matching(/^https?:\/\/[^/]/, '要写成 http(s):// 开头的地址，例如 http://127.0.0.1:8081'),
  TELEGRAM_WEBHOOK_PORT: int(8080, 1),
  // WeChat (wechaty)
  WECHATY_PUPPET: text(),
  WECHATY_PUPPET_SERVICE_TOKEN: text(),
  WECHATY_NAME: z._default(z.string(), 'yibao-bot'),
  WECHAT_SEND_INTERVAL_MS: int(1200, 200),
  // guards
  FLOOD_MAX_PER_MINUTE: int(6, 1),
  MAX_MESSAGE_CHARS: int(500, 50),
  // reminders
  REMINDER_DAYS: z.pipe(list, z.transform((v) => (v.length ? v.map(Number) : [30, 7, 3, 1]))),
  REMINDER_TIME: z._default(z.string(), '09:00').check(z.refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), '要写成 HH:MM，例如 09:00')),
});
export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = z.safeParse(envSchema, env);
  if (!r.success) {
    throw new ConfigError(
      `设置有误：\n${r.error.issues.map((i) => `  - ${i.path.join('.')}：${i.message}`).join('\n')}\n（见 .env.example）`,
    );
  }
  const c = r.data;
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_BOT_TOKEN) throw new ConfigError('设置有误：\n  - TELEGRAM_WEBHOOK_URL：需要同时设置 TELEGRAM_BOT_TOKEN');
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('设置有误：\n  - TELEGRAM_WEBHOOK_SECRET：使用 webhook 时必须设置（Telegram 会在每个请求里带上它）');
  }
  if (c.REMINDER_DAYS.some((d) => !Number.isInteger(d) || d < 0)) throw new ConfigError('设置有误：\n  - REMINDER_DAYS：要写成逗号隔开的天数，例如 30,7,3,1');
  return c;
}
