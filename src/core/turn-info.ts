/**
 * What the layers inside the guards learn about one message, for the guards' single log line: the topics asked,
 * how the question ended, the cadre command. Kept beside the message object the guards pass on (a WeakMap, so
 * no layer's signature, and nothing a channel sees, changes), rather than in an AsyncLocalStorage: that one's
 * async hooks would tax every promise in the process.
 */
import type { IncomingMessage } from './types.ts';

export interface TurnInfo {
  topics?: string[];
  outcome?: 'answered' | 'undecided' | 'failed' | 'asking';
  command?: string;
}

const infos = new WeakMap<IncomingMessage, TurnInfo>();

/** The guards: this message is handled as one turn, and its layers report into `info`. */
export function trackTurn(msg: IncomingMessage, info: TurnInfo): IncomingMessage {
  infos.set(msg, info);
  return msg;
}

/** What the layers report into for this message (none outside the guards, e.g. the core alone in tests). */
export function turnInfoOf(msg: IncomingMessage): TurnInfo | undefined {
  return infos.get(msg);
}

/** A message made from another one in the same turn (a cadre asking on a resident's behalf) reports into the same place. */
export function sameTurn(from: IncomingMessage, to: IncomingMessage): IncomingMessage {
  const info = infos.get(from);
  if (info) infos.set(to, info);
  return to;
}
