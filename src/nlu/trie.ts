/**
 * Leftmost-longest dictionary matching over a character trie, built once at start-up.
 * The lexicon (region names, identity names, topic words...) is a few hundred short words,
 * so walking the trie from each position is linear in the message for all practical purposes.
 */
interface Node<T> {
  next: Map<string, Node<T>>;
  values: T[] | null;
}

export interface Match<T> {
  start: number;
  end: number;
  word: string;
  values: T[];
}

export class Trie<T> {
  private readonly root: Node<T> = { next: new Map(), values: null };

  add(word: string, value: T): this {
    let node = this.root;
    for (const ch of word) {
      let n = node.next.get(ch);
      if (!n) {
        n = { next: new Map(), values: null };
        node.next.set(ch, n);
      }
      node = n;
    }
    (node.values ??= []).push(value);
    return this;
  }

  /** Non-overlapping matches, leftmost first, longest at each position. */
  scan(text: string): Match<T>[] {
    const out: Match<T>[] = [];
    let i = 0;
    while (i < text.length) {
      let node: Node<T> | undefined = this.root;
      let best: Match<T> | null = null;
      for (let j = i; j < text.length; j++) {
        node = node.next.get(text[j]!);
        if (!node) break;
        if (node.values) best = { start: i, end: j + 1, word: text.slice(i, j + 1), values: node.values };
      }
      if (best) {
        out.push(best);
        i = best.end;
      } else i++;
    }
    return out;
  }
}
