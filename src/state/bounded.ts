import { LRUCache } from 'lru-cache';

/**
 * An LRU holding at most `n` entries, without lru-cache's up-front allocation: with `max` it allocates its
 * arrays for every slot when it is built (~20 ms for 100,000 slots with a ttl, three of them at start-up);
 * counting each entry as size 1 against `maxSize` bounds it the same way and grows as it fills.
 */
export function boundedLru<K extends {}, V extends {}>(
  n: number,
  opts: Omit<LRUCache.Options<K, V, unknown>, 'max' | 'maxSize' | 'sizeCalculation'> = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...opts, maxSize: n, sizeCalculation: () => 1 } as LRUCache.Options<K, V, unknown>);
}
