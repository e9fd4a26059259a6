/**
 * Leftmost-longest dictionary matching over a character trie, built once at start-up.
 * The lexicon (region names, identity names, topic words...) is a few hundred short words,
 * so walking the trie from each position is linear in the message for all practical purposes.
 * Nodes are keyed by UTF-16 code unit (a number), so a scan reads the message without making
 * a one-character string per step, and allocates one Match per word found.
 */
interface Node<T> {
  next: Map<number, Node<T>>;
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
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let n = node.next.get(c);
      if (!n) {
        n = { next: new Map(), values: null };
        node.next.set(c, n);
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
      // the longest word starting at i so far: where it ends, and its values
      let end = -1;
      let values: T[] | null = null;
      for (let j = i; j < text.length; j++) {
        node = node.next.get(text.charCodeAt(j));
        if (!node) break;
        if (node.values) {
          end = j + 1;
          values = node.values;
        }
      }
      if (values) {
        out.push({ start: i, end, word: text.slice(i, end), values });
        i = end;
      } else i++;
    }
    return out;
  }
}
