// The spec stage's own YAML tree: plain objects with source offsets, built directly by the fast
// plain reader (plain-yaml.ts) or converted from the `yaml` package's documents. Readers see one
// shape whichever parser ran, and a 100,000-backend spec does not pay for yaml's node classes.

import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

export type YNode = YScalar | YMap | YSeq;

export interface YScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** Offsets into the file's text, end exclusive. */
  start: number;
  end: number;
}

export interface YPair {
  /** A key that is not a scalar (`? [a, b]: c`) is kept so that readers can refuse it. */
  key: YNode;
  value: YNode | null;
}

export interface YMap {
  kind: 'map';
  pairs: YPair[];
  start: number;
  end: number;
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  start: number;
  end: number;
}

/** The root node of a document parsed by the yaml package, aliases resolved; null when empty. */
export function fromYamlDocument(doc: Document.Parsed): YNode | null {
  const done = new Map<Node, YNode>();
  const convert = (node: Node | null | undefined): YNode | null => {
    if (!node) return null;
    if (isAlias(node)) return convert(node.resolve(doc) as Node | undefined);
    const seen = done.get(node);
    if (seen) return seen;
    const [start, end] = node.range ?? [0, 0];
    if (isMap(node)) {
      // Registered before its children, so an alias back to it ends the recursion.
      const m: YMap = { kind: 'map', pairs: [], start, end };
      done.set(node, m);
      for (const p of node.items) {
        const key = convert(p.key as Node) ?? { kind: 'scalar', value: null, start, end: start };
        m.pairs.push({ key, value: convert(p.value as Node | null) });
      }
      return m;
    }
    if (isSeq(node)) {
      const s: YSeq = { kind: 'seq', items: [], start, end };
      done.set(node, s);
      for (const item of node.items) {
        const c = convert(item as Node);
        s.items.push(c ?? { kind: 'scalar', value: null, start: end, end });
      }
      return s;
    }
    if (isScalar(node)) {
      const v = node.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v
        : typeof v === 'bigint' ? Number(v) : String(v);
      return { kind: 'scalar', value, start, end };
    }
    return null;
  };
  return convert(doc.contents as Node | null);
}
