// One input file as YAML: its documents (through the fast plain reader when it can), its syntax
// errors as SY1001, and the mapping from YAML nodes to file:line:col ranges for every diagnostic.

import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostics, SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { parsePlainYaml } from './plain-yaml.ts';
import { fromYamlDocument, type YNode } from './yaml-tree.ts';

export class YamlSource {
  lines = new LineCounter();
  /** Documents without syntax errors; a broken document is reported and left out whole. Empty
   *  documents (nothing, or only comments, between two `---`) are left out too. */
  documents: YNode[] = [];

  constructor(
    readonly file: string,
    text: string,
    diags: Diagnostics,
  ) {
    const plain = parsePlainYaml(text, this.lines);
    if (plain) {
      this.documents = plain;
      return;
    }
    // Not plain (anchors, folded text, ...) or not valid: the full parser reads it and reports.
    this.lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    // parseAllDocuments returns an EmptyStream (no documents) for input without any content.
    for (const doc of Array.isArray(docs) ? docs : []) {
      for (const e of doc.errors) {
        diags.report(codes.SY1001, `YAML: ${firstLine(e.message)}`, this.offsetRange(e.pos[0], e.pos[1]));
      }
      if (doc.errors.length > 0) continue;
      const root = fromYamlDocument(doc);
      if (root && !(root.kind === 'scalar' && root.value === null)) this.documents.push(root);
    }
  }

  rangeOf(node: YNode): SourceRange {
    return this.offsetRange(node.start, node.end);
  }

  offsetRange(start: number, end: number): SourceRange {
    const a = this.lineIndex(start);
    const b = this.lineIndex(end);
    const starts = this.lines.lineStarts;
    return { file: this.file, line: a + 1, col: start - (starts[a] ?? 0) + 1, endLine: b + 1, endCol: end - (starts[b] ?? 0) + 1 };
  }

  /** Readers ask in file order, so the line of the last answer is the best first guess. */
  private hint = 0;

  /** The 0-based line holding `offset`. */
  private lineIndex(offset: number): number {
    const starts = this.lines.lineStarts;
    const h = this.hint;
    if (starts[h]! <= offset && (h + 1 >= starts.length || offset < starts[h + 1]!)) return h;
    if (h + 1 < starts.length && starts[h + 1]! <= offset && (h + 2 >= starts.length || offset < starts[h + 2]!)) return (this.hint = h + 1);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.hint = lo);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
