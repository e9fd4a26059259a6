import { pino, type Logger } from 'pino';

/** Structured logs on standard error (standard output is for replies only). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
export type { Logger };
