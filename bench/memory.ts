/**
 * Heap bytes per open dialogue: 100,000 residents each mid-dialogue (asked for their payment date)
 * in the default session store (the LRU in memory; the file write-through holds nothing in the heap).
 */
import { Core } from '../src/core/bot.ts';
import { loadFlows } from '../src/core/flows.ts';
import { loadChat } from '../src/nlu/extra.ts';
import { EmbeddedState } from '../src/state/embedded.ts';
import type { RuleSet } from '../src/rules/load.ts';
import type { Clock } from '../src/engine/dates.ts';

function heap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

export async function benchMemory(rules: RuleSet, dialogues = 100_000) {
  if (!globalThis.gc) throw new Error('run with node --expose-gc');
  const clock: Clock = { now: () => Date.parse('2023-11-01T10:00:00+08:00'), today: () => '2023-11-01' };
  const state = await EmbeddedState.open({ dir: '', memoryOnly: true, maxSessions: dialogues * 2, now: clock.now });
  const core = new Core({ rules: () => rules, flows: loadFlows(), chat: loadChat(), clock, store: state.sessions });
  const texts = ['方太乡低保户交多少钱', '桂阳街道交多少钱', '我是特困，兴国方太的，交多少', '桂阳 大学生 交多少'];
  // warm everything up before the baseline
  for (let i = 0; i < 1000; i++) await core.handle({ chatId: 'w', userId: `w${i}`, chatType: 'private', mentioned: true, forwarded: false, text: texts[i % 4]!, time: clock.now() });
  for (let i = 0; i < 1000; i++) await state.sessions.delete(`w|w${i}`);
  const before = heap();
  for (let i = 0; i < dialogues; i++) {
    await core.handle({ chatId: `tg:-${i % 500}`, userId: `tg:${i}`, chatType: 'group', mentioned: true, forwarded: false, text: texts[i % 4]!, time: clock.now() });
  }
  const after = heap();
  const open = state.sessions.size();
  return { dialogues: open, bytesPerDialogue: (after - before) / open };
}
