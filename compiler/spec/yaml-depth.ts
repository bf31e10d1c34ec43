// How deep a spec's YAML may nest, checked before anything walks it recursively. The `yaml`
// package builds documents by recursion (its lexer and CST parser do not recurse), and so do
// the plain reader and the tree conversion: 20,000 nested `[` would overflow the stack.

import type { CST } from 'yaml';

/**
 * Collections (maps and lists, block or flow) nested in one another on a path from a document's
 * root. Specs and Kubernetes objects nest a few dozen deep at most; at this bound every recursive
 * stage keeps well within Node's default stack (yaml composes ~900 levels before overflowing).
 */
export const MAX_NESTING = 256;

/**
 * The offset of the first collection nested deeper than `max` in a document's CST, or undefined
 * when it nests no deeper. Iterative: it must survive the inputs it is there to refuse.
 */
export function tooDeep(doc: CST.Document, max = MAX_NESTING): number | undefined {
  const pending: { token: CST.Token | null | undefined; depth: number }[] = [{ token: doc.value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { token, depth } = next;
    if (!token || !(token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection')) continue;
    if (depth + 1 > max) return token.offset;
    // Last item first, so that the first offset reported is the first in the text.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i]!;
      pending.push({ token: item.value, depth: depth + 1 });
      if (item.key) pending.push({ token: item.key, depth: depth + 1 });
    }
  }
  return undefined;
}
