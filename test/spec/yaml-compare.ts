// The fast plain-YAML reader against the `yaml` package on one text: either the fast reader gives
// up, or it builds what yaml builds (same documents, kinds, values, start offsets, scalar ends and
// line starts) from a text that yaml reads without errors or warnings.

import { LineCounter, isScalar, parseAllDocuments } from 'yaml';
import { parsePlainYaml } from '../../compiler/spec/plain-yaml.ts';
import { fromYamlDocument, type YNode } from '../../compiler/spec/yaml-tree.ts';

export function toJS(n: YNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toJS);
  return Object.fromEntries(n.pairs.map((p) => [String(toJS(p.key)), toJS(p.value)]));
}

/** The first difference between the trees, or undefined. Literal blocks' ends are not compared:
 *  the fast reader ends them where the next node starts, yaml after their last content line. */
function treeDifference(text: string, fast: YNode | null, full: YNode | null, where: string): string | undefined {
  if (fast === null || full === null) return fast === full ? undefined : `${where}: ${fast ? 'a node' : 'nothing'} against yaml's ${full ? 'node' : 'nothing'}`;
  if (fast.kind !== full.kind) return `${where}: ${fast.kind} against yaml's ${full.kind}`;
  if (fast.start !== full.start) return `${where}: starts at ${fast.start} against yaml's ${full.start}`;
  if (fast.kind === 'scalar' && full.kind === 'scalar') {
    if (!Object.is(fast.value, full.value)) return `${where}: ${JSON.stringify(fast.value)} against yaml's ${JSON.stringify(full.value)}`;
    if (text[full.start] !== '|' && fast.end !== full.end) return `${where}: ends at ${fast.end} against yaml's ${full.end}`;
  } else if (fast.kind === 'map' && full.kind === 'map') {
    if (fast.pairs.length !== full.pairs.length) return `${where}: ${fast.pairs.length} pairs against yaml's ${full.pairs.length}`;
    for (let i = 0; i < full.pairs.length; i++) {
      const d = treeDifference(text, fast.pairs[i]!.key, full.pairs[i]!.key, `${where}.key${i}`)
        ?? treeDifference(text, fast.pairs[i]!.value, full.pairs[i]!.value, `${where}.${String(toJS(full.pairs[i]!.key))}`);
      if (d) return d;
    }
  } else if (fast.kind === 'seq' && full.kind === 'seq') {
    if (fast.items.length !== full.items.length) return `${where}: ${fast.items.length} items against yaml's ${full.items.length}`;
    for (let i = 0; i < full.items.length; i++) {
      const d = treeDifference(text, fast.items[i]!, full.items[i]!, `${where}[${i}]`);
      if (d) return d;
    }
  }
  return undefined;
}

export interface Comparison {
  /** Whether the fast reader built documents (rather than giving up). */
  accepted: boolean;
  /** What differs from yaml, when the fast reader accepted; undefined when nothing does. */
  difference?: string;
}

export function compareReaders(text: string): Comparison {
  const fastLines = new LineCounter();
  const fast = parsePlainYaml(text, fastLines);
  if (!fast) return { accepted: false };
  const fullLines = new LineCounter();
  const full = parseAllDocuments(text, { lineCounter: fullLines, uniqueKeys: true, resolveKnownTags: false });
  const docs = Array.isArray(full) ? full : [];
  const problems = docs.flatMap((d) => [...d.errors, ...d.warnings]);
  if (problems.length) return { accepted: true, difference: `accepted what yaml reports: ${problems[0]!.code} ${problems[0]!.message.split('\n')[0]}` };
  const nonEmpty = docs.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  if (fast.length !== nonEmpty.length) return { accepted: true, difference: `${fast.length} documents against yaml's ${nonEmpty.length}` };
  for (let i = 0; i < fast.length; i++) {
    const d = treeDifference(text, fast[i]!, fromYamlDocument(nonEmpty[i]!).root, `document ${i}`);
    if (d) return { accepted: true, difference: d };
  }
  const starts = fullLines.lineStarts.slice(0, fastLines.lineStarts.length);
  if (fastLines.lineStarts.some((s, i) => s !== starts[i])) return { accepted: true, difference: 'line starts differ' };
  return { accepted: true };
}
