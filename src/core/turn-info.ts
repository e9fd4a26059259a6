/**
 * What the layers inside the guards learn about one message, for the guards' single log line: the topics asked,
 * how the question ended, the cadre command. Request-scoped through AsyncLocalStorage, so no layer's signature
 * (and nothing a channel sees) changes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TurnInfo {
  topics?: string[];
  outcome?: 'answered' | 'undecided' | 'failed' | 'asking';
  command?: string;
}

export const turnInfo = new AsyncLocalStorage<TurnInfo>();
