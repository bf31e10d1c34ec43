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
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(end);
    return { file: this.file, line: Math.max(a.line, 1), col: a.col, endLine: b.line, endCol: b.col };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
