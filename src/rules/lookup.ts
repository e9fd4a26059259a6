import type { Notice } from './schema.ts';
import type { RuleSet } from './load.ts';

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** A region by its id or any of its names (方太, 兴国方太, 桂阳街道...); null when none or several match. */
export function findRegion(rules: RuleSet, name: string): Notice | null {
  const n = norm(name);
  const exact = rules.notices.filter(
    (r) => r.id === n || [r.region.name, r.region.short, r.region.township, ...r.region.aliases].some((a) => norm(a) === n),
  );
  if (exact.length === 1) return exact[0]!;
  const partial = rules.notices.filter((r) => [r.region.name, ...r.region.aliases].some((a) => n.includes(norm(a))));
  return partial.length === 1 ? partial[0]! : null;
}

/** An identity by its id, name or everyday name (低保, 五保, 残疾军人, 大学生...). */
export function findIdentity(rules: RuleSet, word: string): string | null {
  const n = norm(word);
  for (const i of rules.identities.values()) {
    if (i.id === n || norm(i.name) === n || i.aliases.some((a) => norm(a) === n)) return i.id;
  }
  let best: { id: string; len: number } | null = null;
  for (const i of rules.identities.values()) {
    for (const a of i.aliases) {
      if (n.includes(norm(a)) && (!best || a.length > best.len)) best = { id: i.id, len: a.length };
    }
  }
  return best?.id ?? null;
}
