import { loadRules } from '../../src/rules/load.ts';
import { findRegion } from '../../src/rules/lookup.ts';
import { loadFlows } from '../../src/core/flows.ts';
import { loadChat } from '../../src/nlu/extra.ts';
import { Core } from '../../src/core/bot.ts';
import { MemorySessionStore } from '../../src/core/store.ts';
import type { Clock } from '../../src/engine/dates.ts';

export const rules = loadRules();
export const flows = loadFlows();
export const chat = loadChat();

/** A clock whose day is fixed and whose time only moves when a test says so. */
export function testClock(today: string, start = Date.parse(`${today}T10:00:00+08:00`)) {
  let now = start;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    today: () => today,
    advance: (ms) => {
      now += ms;
    },
  };
  return clock;
}

export function testCore(opts: { today?: string; region?: string } = {}) {
  const clock = testClock(opts.today ?? '2023-11-01');
  const region = opts.region ? findRegion(rules, opts.region)?.id : undefined;
  if (opts.region && !region) throw new Error(`unknown region ${opts.region}`);
  const store = new MemorySessionStore({ idleMs: 30 * 60_000, now: clock.now });
  const core = new Core({ rules: () => rules, flows, chat, clock, store, chatRegion: () => region });
  return { core, clock, store };
}
