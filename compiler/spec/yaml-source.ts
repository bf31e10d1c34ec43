// One input file as YAML: its documents (through the fast plain reader when it can), its syntax
// errors as SY1001, and the mapping from YAML nodes to file:line:col ranges for every diagnostic.

import type { Document } from 'yaml';
import type { Diagnostics, SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { LineStarts, parsePlainYaml } from './plain-yaml.ts';
import { MAX_NESTING, tooDeep } from './yaml-depth.ts';
import { yamlPackage } from './yaml-package.ts';
import { MAX_EXPANDED_NODES, fromYamlDocument, type YNode } from './yaml-tree.ts';

export class YamlSource {
  lines = new LineStarts();
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
    // Its CST parser does not recurse, so each document's depth is checked before the composer,
    // which does, builds it. Duplicate keys are found by fromYamlDocument, in one pass.
    const { Composer, Parser } = yamlPackage();
    this.lines = new LineStarts();
    const parser = new Parser(this.lines.addNewLine);
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false, resolveKnownTags: false });
    const docs: Document.Parsed[] = [];
    let skipping = false;
    for (const token of parser.parse(text)) {
      if (token.type === 'document' || token.type === 'directive') skipping = false;
      const deep = token.type === 'document' ? tooDeep(token) : undefined;
      if (deep !== undefined) {
        diags.report(codes.SY1004, `YAML nests deeper than ${MAX_NESTING} maps and lists; flatten the document`, this.offsetRange(deep, deep + 1));
        // The composer never sees the document, nor what ends it (a `...` of its own).
        skipping = true;
      }
      if (skipping) continue;
      for (const doc of composer.next(token)) docs.push(doc);
    }
    for (const doc of composer.end()) docs.push(doc);
    for (const doc of docs) {
      for (const e of doc.errors) {
        diags.report(codes.SY1001, `YAML: ${firstLine(e.message)}`, this.offsetRange(e.pos[0], e.pos[1]));
      }
      // Tags beyond the core schema's (!!str, !!int, !!map, ...) would change what a value means
      // in ways no reader expects; the yaml package only warns about them.
      const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
      for (const w of tags) {
        diags.report(codes.SY1005, tagProblem(w.message), this.offsetRange(w.pos[0], w.pos[1]));
      }
      if (doc.errors.length > 0 || tags.length > 0) continue;
      const { root, ownNodes, expandedNodes, duplicateKeys, unknownAliases } = fromYamlDocument(doc);
      for (const at of duplicateKeys) diags.report(codes.SY1001, 'YAML: Map keys must be unique', this.offsetRange(at, at + 1));
      for (const a of unknownAliases) diags.report(codes.SY1001, `YAML: alias *${a.name} names no anchor (&${a.name}) before it`, this.offsetRange(a.at, a.at + 1));
      if (duplicateKeys.length || unknownAliases.length) continue;
      if (expandedNodes > Math.max(MAX_EXPANDED_NODES, 10 * ownNodes)) {
        const what = Number.isFinite(expandedNodes)
          ? `YAML aliases expand the document to ${expandedNodes.toLocaleString('en')} nodes from ${ownNodes.toLocaleString('en')} of its own`
          : 'a YAML alias inside its own anchor expands the document without end';
        diags.report(codes.SY1006, `${what}; write the repeated parts out`, this.rangeOf(root!));
        continue;
      }
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

const CORE_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'];

/** yaml's "Unresolved tag: tag:yaml.org,2002:int at line 1, column 4:" as the spec's words. */
function tagProblem(message: string): string {
  const full = /Unresolved tag: (\S+)/.exec(message)?.[1] ?? '?';
  const tag = full.replace(/^tag:yaml\.org,2002:/, '!!');
  if (CORE_TAGS.some((t) => tag === `!!${t}`)) return `YAML: the value does not read as its tag ${tag} says`;
  return `YAML: unknown tag ${tag}; specs use only the core schema's tags (${CORE_TAGS.map((t) => `!!${t}`).join(', ')})`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
