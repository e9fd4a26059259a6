import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { RuleSet } from './rules/load.ts';
import { RULES_DIR } from './paths.ts';
import { loadAll } from './compiled.ts';
import { findRegion } from './rules/lookup.ts';
import type { Flows } from './core/flows.ts';
import { Core } from './core/bot.ts';
import { Guard } from './core/guard.ts';
import { systemClock, type Clock } from './engine/dates.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { StateStore } from './state/types.ts';
import { EmbeddedState } from './state/embedded.ts';
import type { MessageHandler } from './core/types.ts';
import { CadreTools } from './cadre/tools.ts';
import { startReminders } from './cadre/reminders.ts';

export interface App {
  core: Core;
  /** the core behind the cadre commands and the guards: what channels call */
  handler: MessageHandler;
  /**
   * Posts deadline reminders to the groups that turned them on. `send` gets the chat id (`tg:…`, `wx:…`) and
   * the text, and throws when it cannot post there. Returns a stop function.
   */
  startReminders(send: (chatId: string, text: string) => Promise<void>): () => void;
  rules: () => RuleSet;
  flows: Flows;
  clock: Clock;
  config: Config;
  state: StateStore;
  /** reloads rules/; an invalid file is rejected, logged, and the last good rules keep serving */
  reloadRules(): Promise<boolean>;
  close(): Promise<void>;
}

export interface AppOptions {
  log?: Logger;
  clock?: Clock;
  state?: StateStore;
  /** the console's --region: as if a cadre had bound every chat to it */
  region?: string;
  /** reload rules when a file under rules/ changes (and on SIGHUP) */
  watchRules?: boolean;
}

export async function openState(config: Config, clock: Clock): Promise<StateStore> {
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  if (config.REDIS_URL) {
    const { RedisState } = await import('./state/redis.ts'); // ioredis only when it is used
    return RedisState.open({ url: config.REDIS_URL, idleMs });
  }
  return EmbeddedState.open({ dir: config.DATA_DIR, idleMs, maxSessions: config.SESSION_MAX, now: clock.now });
}

/** Everything that is read once at start-up: rules, flows, clock, stores; then the core and its guards. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const dir = config.RULES_DIR ?? RULES_DIR;
  const loaded = await loadAll({
    rulesDir: dir,
    // a build keeps the checked rules and flows here, so the next start need not parse and check the YAML
    cacheDir: config.DATA_DIR ? join(config.DATA_DIR, 'cache') : undefined,
    onCache: (e) => opts.log?.debug(e, 'rules and flows cache'),
  });
  let rules = loaded.rules;
  const { flows, chat, cadreFlow } = loaded;
  const clock = opts.clock ?? systemClock(config.BOT_TODAY);
  const log = opts.log;
  let fixedRegion: string | undefined;
  const regionName = opts.region ?? config.BOT_REGION;
  if (regionName) {
    const r = findRegion(rules, regionName);
    if (!r) throw new Error(`不认识的地区：${regionName}（现有：${rules.notices.map((n) => n.region.short).join('、')}）`);
    fixedRegion = r.id;
  }
  const state = opts.state ?? (await openState(config, clock));
  const core = new Core({
    rules: () => rules,
    flows,
    chat,
    clock,
    store: state.sessions,
    triggers: config.TRIGGER_WORDS,
    chatRegion: async (chatId) => {
      const bound = (await state.getSettings(chatId))?.region;
      return bound && rules.byId.has(bound) ? bound : fixedRegion;
    },
    onOutcome: (o) => state.addStat({ time: clock.now(), ...o }),
    log: (e) => log?.warn(e, 'core'),
  });
  const cadre = new CadreTools(core, {
    rules: () => rules,
    state,
    clock,
    flow: cadreFlow,
    adminIds: config.ADMIN_IDS,
    reminderDays: config.REMINDER_DAYS,
    reminderTime: config.REMINDER_TIME,
  });
  const handler = new Guard(cadre, {
    state,
    messages: flows.messages,
    maxChars: config.MAX_MESSAGE_CHARS,
    floodPerMinute: config.FLOOD_MAX_PER_MINUTE,
    log,
  });

  const reloadRules = async () => {
    try {
      const { loadRules } = await import('./check.ts');
      const next = loadRules(dir);
      rules = next;
      log?.info({ notices: next.notices.map((n) => n.id) }, 'rules reloaded');
      return true;
    } catch (e) {
      log?.error({ err: (e as Error).message }, 'rules reload rejected; the last good rules keep serving');
      return false;
    }
  };
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onHup = () => void reloadRules();
  if (opts.watchRules) {
    watcher = watch(dir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reloadRules(), 200); // editors write in several steps
    });
    process.on('SIGHUP', onHup);
  }
  return {
    core,
    handler,
    rules: () => rules,
    flows,
    clock,
    config,
    state,
    reloadRules,
    startReminders: (send) =>
      startReminders({
        rules: () => rules,
        state,
        clock,
        days: config.REMINDER_DAYS,
        time: config.REMINDER_TIME,
        texts: { reminder: cadreFlow.messages.reminder!, reminderToday: cadreFlow.messages.reminderToday! },
        send,
        log,
      }),
    async close() {
      watcher?.close();
      clearTimeout(timer);
      process.off('SIGHUP', onHup);
      await state.close();
    },
  };
}
