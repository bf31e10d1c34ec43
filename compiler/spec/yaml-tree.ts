// The spec stage's own YAML tree: plain objects with source offsets, built directly by the fast
// plain reader (plain-yaml.ts) or converted from the `yaml` package's documents. Readers see one
// shape whichever parser ran, and a 100,000-backend spec does not pay for yaml's node classes.

import type { Document, Node } from 'yaml';
import { yamlPackage } from './yaml-package.ts';

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

/**
 * Nodes a document may hold once its aliases are expanded: at least this many, or ten times the
 * nodes it holds itself. An alias costs nothing to write and everything to read: 8 KB of aliases
 * of aliases (a "billion laughs") would have the readers build millions of services.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

export interface ConvertedDocument {
  /** The root node, aliases resolved (a shared or even cyclic graph); null when empty. */
  root: YNode | null;
  /** Nodes the document holds (each alias one), and nodes in its tree with every alias
   *  expanded (Infinity for an alias inside its own anchor). */
  ownNodes: number;
  expandedNodes: number;
  /** Offsets of scalar keys that repeat an earlier key of their mapping, by value as yaml's
   *  uniqueKeys compares them; checked here in one pass (yaml's check is quadratic). */
  duplicateKeys: number[];
  /** Aliases whose anchor no earlier node carries (yaml only notices in toJS): name and offset. */
  unknownAliases: { name: string; at: number }[];
}

/** A document parsed by the yaml package, in the spec's tree. Recursive: its depth was checked. */
export function fromYamlDocument(doc: Document.Parsed): ConvertedDocument {
  const { isAlias, isMap, isScalar, isSeq } = yamlPackage();
  // The latest node of each anchor in document order, which is the order of conversion: yaml's
  // own Alias.resolve searches the whole document for each alias, quadratic in their number.
  const anchors = new Map<string, YNode>();
  // Expanded size of each finished collection; a collection still being converted has none,
  // so an alias back into it counts as infinite.
  const sizes = new Map<YNode, number>();
  let ownNodes = 0;
  const duplicateKeys: number[] = [];
  const unknownAliases: ConvertedDocument['unknownAliases'] = [];
  const sizeOf = (n: YNode): number => (n.kind === 'scalar' ? 1 : sizes.get(n) ?? Infinity);
  const convert = (node: Node | null | undefined): YNode | null => {
    if (!node) return null;
    if (isAlias(node)) {
      ownNodes++;
      const target = anchors.get(node.source);
      if (!target) unknownAliases.push({ name: node.source, at: node.range?.[0] ?? 0 });
      return target ?? null;
    }
    const [start, end] = node.range ?? [0, 0];
    ownNodes++;
    if (isMap(node)) {
      // Registered before its children, so that an alias inside it finds it.
      const m: YMap = { kind: 'map', pairs: [], start, end };
      if (node.anchor) anchors.set(node.anchor, m);
      let size = 1;
      const keys = new Set<unknown>();
      for (const p of node.items) {
        if (isScalar(p.key) && !Number.isNaN(p.key.value)) {
          if (keys.has(p.key.value)) duplicateKeys.push(p.key.range?.[0] ?? start);
          keys.add(p.key.value);
        }
        const key = convert(p.key as Node) ?? { kind: 'scalar', value: null, start, end: start };
        const value = convert(p.value as Node | null);
        m.pairs.push({ key, value });
        size += sizeOf(key) + (value ? sizeOf(value) : 0);
      }
      sizes.set(m, size);
      return m;
    }
    if (isSeq(node)) {
      const s: YSeq = { kind: 'seq', items: [], start, end };
      if (node.anchor) anchors.set(node.anchor, s);
      let size = 1;
      for (const item of node.items) {
        const c = convert(item as Node) ?? { kind: 'scalar', value: null, start: end, end };
        s.items.push(c);
        size += sizeOf(c);
      }
      sizes.set(s, size);
      return s;
    }
    if (isScalar(node)) {
      const v = node.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v
        : typeof v === 'bigint' ? Number(v) : String(v);
      const sc: YScalar = { kind: 'scalar', value, start, end };
      if (node.anchor) anchors.set(node.anchor, sc);
      return sc;
    }
    return null;
  };
  const root = convert(doc.contents as Node | null);
  return { root, ownNodes, expandedNodes: root ? sizeOf(root) : 0, duplicateKeys, unknownAliases };
}
