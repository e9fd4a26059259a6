import { z } from 'zod';
import { isIsoDate } from './engine/dates.ts';

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(/[,，\s]+/).filter(Boolean));
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** Every setting comes from the environment (or .env); each is documented in .env.example. */
export const envSchema = z.object({
  BOT_TODAY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || isIsoDate(v), '要写成 YYYY-MM-DD，例如 2023-11-01')
    .transform((v) => v || undefined),
  BOT_REGION: z.string().optional().transform((v) => v || undefined),
  RULES_DIR: z.string().optional().transform((v) => v || undefined),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRIGGER_WORDS: list.transform((v) => (v.length ? v : ['医保'])),
  SESSION_IDLE_MINUTES: int(30, 1),
  SESSION_MAX: int(100_000, 100),
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: z.string().optional().transform((v) => v || undefined),
  ADMIN_IDS: list,
  // Telegram
  TELEGRAM_BOT_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^\d+:[\w-]{20,}$/.test(v), '不像 Telegram 的 token（应为 123456:ABC... 的样子，向 @BotFather 要）'),
  TELEGRAM_WEBHOOK_URL: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^https:\/\//.test(v), '必须是 https:// 开头的公网地址'),
  TELEGRAM_WEBHOOK_SECRET: z.string().optional().transform((v) => v || undefined),
  TELEGRAM_WEBHOOK_PORT: int(8080, 1),
  // WeChat (wechaty)
  WECHATY_PUPPET: z.string().optional().transform((v) => v || undefined),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional().transform((v) => v || undefined),
  WECHATY_NAME: z.string().default('yibao-bot'),
  WECHAT_SEND_INTERVAL_MS: int(1200, 200),
  // guards
  FLOOD_MAX_PER_MINUTE: int(6, 1),
  MAX_MESSAGE_CHARS: int(500, 50),
  // reminders
  REMINDER_DAYS: list.transform((v) => (v.length ? v.map(Number) : [30, 7, 3, 1])),
  REMINDER_TIME: z
    .string()
    .default('09:00')
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), '要写成 HH:MM，例如 09:00'),
});
export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
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
