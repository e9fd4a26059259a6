/**
 * Splits a long answer at line boundaries so that no piece is longer than `limit` characters.
 * A single line longer than the limit is cut (never happens with our answers, but input can be odd).
 */
export function splitMessage(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const out: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const pieces = line.length > limit ? line.match(new RegExp(`[\\s\\S]{1,${limit}}`, 'g'))! : [line];
    for (const p of pieces) {
      if (cur && cur.length + 1 + p.length > limit) {
        out.push(cur);
        cur = p;
      } else cur = cur ? `${cur}\n${p}` : p;
    }
  }
  if (cur) out.push(cur);
  return out;
}

