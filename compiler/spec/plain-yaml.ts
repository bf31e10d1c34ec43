// A fast reader for plain YAML: the block maps and lists, flow collections, plain and quoted
// scalars and literal blocks that kubectl and spec generators print, straight into the spec's
// own tree (yaml-tree.ts). It gives up (returns undefined) on anything else; the `yaml` package
// then reads the file and reports any errors. Why: `yaml` reads about 2 MB/s, and a
// 10,000-service spec is 6 MB (a kubectl dump of it 20 MB).

import type { YMap, YNode, YScalar, YSeq } from './yaml-tree.ts';
import { MAX_NESTING } from './yaml-depth.ts';
import { NotPlain, plainValue, unescape } from './yaml-scalars.ts';

const SP = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;

/** Characters that may not start a plain scalar (some only when followed by a space). */
const INDICATORS = new Set([...',[]{}#&*!|>\'"%@`']);

/** `,` `[` `]` `{` `}`: inside flow collections they end a plain scalar. */
function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

function scalar(value: YScalar['value'], start: number, end: number): YScalar {
  return { kind: 'scalar', value, start, end };
}

/** Where each line of a file starts: yaml's LineCounter's shape, without loading yaml for it. */
export class LineStarts {
  readonly lineStarts: number[] = [];
  readonly addNewLine = (offset: number): number => this.lineStarts.push(offset);
}

/** Documents of `text`, or undefined when the text is not plain YAML. Fills `lines`. */
export function parsePlainYaml(text: string, lines: LineStarts): YNode[] | undefined {
  // A byte order mark is a token to yaml wherever it stands.
  if (text.includes('\t') || text.includes('\ufeff')) return undefined;
  try {
    return new PlainReader(text, lines).documents();
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

class PlainReader {
  /** Offsets where each line starts and ends (without its line break). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** The first line not yet consumed. */
  private cur = 0;
  /** Collections open around the one being read: past MAX_NESTING the yaml path reports it. */
  private depth = 0;

  constructor(
    private readonly text: string,
    lines: LineStarts,
  ) {
    let start = 0;
    for (;;) {
      lines.addNewLine(start);
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      const cr = end > start && text.charCodeAt(end - 1) === 13;
      this.starts.push(start);
      this.ends.push(cr ? end - 1 : end);
      if (nl < 0) break;
      start = nl + 1;
    }
    if (/\r(?!\n)/.test(text)) throw new NotPlain();
  }

  documents(): YNode[] {
    const docs: YNode[] = [];
    for (;;) {
      const li = this.nextContent(this.cur);
      if (li < 0) {
        if (this.cur >= this.starts.length || !this.isMarker(this.cur)) break;
        this.cur++;
        continue;
      }
      const root = this.block(li, this.indent(li));
      const after = this.nextContent(this.cur);
      if (after >= 0) throw new NotPlain();
      // A document that is only `~` or `null` is empty, as the yaml path leaves it out.
      if (!(root.kind === 'scalar' && root.value === null)) docs.push(root);
    }
    return docs;
  }

  /** The next line from `li` with content, or -1 at the end or at a `---` marker (left unconsumed). */
  private nextContent(li: number): number {
    for (; li < this.starts.length; li++) {
      if (this.isMarker(li)) {
        this.cur = li;
        return -1;
      }
      const col = this.indent(li);
      const at = this.starts[li]! + col;
      if (at < this.ends[li]! && this.text.charCodeAt(at) !== HASH) return li;
    }
    this.cur = li;
    return -1;
  }

  private isMarker(li: number): boolean {
    const s = this.starts[li]!;
    const e = this.ends[li]!;
    if (e - s < 3) return false;
    const head = this.text.slice(s, s + 3);
    if (head === '...') throw new NotPlain();
    if (head !== '---' || (e - s > 3 && this.text.charCodeAt(s + 3) !== SP)) return false;
    // Content after the marker (`--- {a: 1}`, `--- !tag`) is not plain; a comment is.
    this.endOfLine(li, s + 3);
    return true;
  }

  private indent(li: number): number {
    let i = this.starts[li]!;
    const e = this.ends[li]!;
    while (i < e && this.text.charCodeAt(i) === SP) i++;
    return i - this.starts[li]!;
  }

  /** Requires nothing but spaces and a comment from `at` to the end of line `li`. */
  private endOfLine(li: number, at: number): void {
    const e = this.ends[li]!;
    let i = at;
    while (i < e && this.text.charCodeAt(i) === SP) i++;
    if (i === e) return;
    // A comment needs a space before it; anything else after a value is not plain YAML.
    if (this.text.charCodeAt(i) !== HASH || (i > this.starts[li]! && this.text.charCodeAt(i - 1) !== SP)) throw new NotPlain();
  }

  /** A block node whose first character is at column `col` of line `li`. */
  private block(li: number, col: number): YNode {
    const at = this.starts[li]! + col;
    const c = this.text.charCodeAt(at);
    const e = this.ends[li]!;
    if (c === DASH && (at + 1 === e || this.text.charCodeAt(at + 1) === SP)) return this.blockSeq(li, col);
    if (this.keyEnd(li, at) !== undefined) return this.blockMap(li, col);
    const [node, end] = this.inline(at, e, false);
    this.endOfLine(li, end);
    this.cur = li + 1;
    this.noMoreIndented(col);
    return node;
  }

  /** After a single-line value, a more indented line would continue it: not plain. */
  private noMoreIndented(col: number): void {
    const next = this.nextContent(this.cur);
    if (next >= 0 && this.indent(next) > col) throw new NotPlain();
  }

  private blockSeq(li: number, col: number): YSeq {
    this.enter();
    const seq: YSeq = { kind: 'seq', items: [], start: 0, end: 0 };
    const start = this.starts[li]! + col;
    let end = start;
    for (;;) {
      const dash = this.starts[li]! + col;
      let at = dash + 1;
      const e = this.ends[li]!;
      while (at < e && this.text.charCodeAt(at) === SP) at++;
      let item: YNode;
      if (at === e || this.text.charCodeAt(at) === HASH) {
        this.endOfLine(li, dash + 1);
        this.cur = li + 1;
        const next = this.nextContent(this.cur);
        item = next >= 0 && this.indent(next) > col ? this.block(next, this.indent(next)) : scalar(null, at, at);
      } else if (this.text.charCodeAt(at) === 124 /* | */) {
        item = this.literal(li, at, col);
      } else {
        item = this.block(li, at - this.starts[li]!);
      }
      seq.items.push(item);
      end = item.end;
      const next = this.nextContent(this.cur);
      if (next < 0 || this.indent(next) < col) break;
      if (this.indent(next) > col) throw new NotPlain();
      const d = this.starts[next]! + col;
      if (this.text.charCodeAt(d) !== DASH || (d + 1 < this.ends[next]! && this.text.charCodeAt(d + 1) !== SP)) break;
      li = next;
    }
    seq.start = start;
    seq.end = end;
    this.depth--;
    return seq;
  }

  private blockMap(li: number, col: number): YMap {
    this.enter();
    const map: YMap = { kind: 'map', pairs: [], start: 0, end: 0 };
    const keys = new Set<unknown>();
    const start = this.starts[li]! + col;
    let end = start;
    for (;;) {
      const keyAt = this.starts[li]! + col;
      const e = this.ends[li]!;
      const colonAt = this.keyEnd(li, keyAt);
      if (colonAt === undefined) throw new NotPlain();
      // YAML limits implicit keys to 1,024 characters up to their `:`, and yaml counts from the
      // line break before the key when the value before it is empty: give up from there on.
      if (colonAt - Math.min(keyAt, li > 0 ? this.ends[li - 1]! : 0) > 1024) throw new NotPlain();
      const key = this.keyScalar(keyAt, colonAt);
      if (keys.has(key.value)) throw new NotPlain();
      keys.add(key.value);
      let at = colonAt + 1;
      while (at < e && this.text.charCodeAt(at) === SP) at++;
      let value: YNode;
      if (at === e || this.text.charCodeAt(at) === HASH) {
        this.endOfLine(li, colonAt + 1);
        this.cur = li + 1;
        const next = this.nextContent(this.cur);
        if (next >= 0 && this.indent(next) > col) {
          value = this.block(next, this.indent(next));
        } else if (next >= 0 && this.indent(next) === col && this.isDash(next, col)) {
          // kubectl's style: a list under a key at the key's own indentation.
          value = this.blockSeq(next, col);
        } else {
          // yaml places an empty value after the spaces that follow the `:`.
          value = scalar(null, at, at);
        }
      } else if (this.text.charCodeAt(at) === 124 /* | */) {
        value = this.literal(li, at, col);
      } else {
        const [node, valueEnd] = this.inline(at, e, false);
        this.endOfLine(li, valueEnd);
        this.cur = li + 1;
        this.noMoreIndented(col);
        value = node;
      }
      map.pairs.push({ key, value });
      end = value.end;
      const next = this.nextContent(this.cur);
      if (next < 0 || this.indent(next) < col) break;
      if (this.indent(next) > col || this.isDash(next, col)) throw new NotPlain();
      li = next;
    }
    map.start = start;
    map.end = end;
    this.depth--;
    return map;
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) throw new NotPlain();
  }

  private isDash(li: number, col: number): boolean {
    const d = this.starts[li]! + col;
    return this.text.charCodeAt(d) === DASH && (d + 1 === this.ends[li]! || this.text.charCodeAt(d + 1) === SP);
  }

  /** Where the `:` of a simple key starting at `at` is, or undefined when the line holds no key. */
  private keyEnd(li: number, at: number): number | undefined {
    const e = this.ends[li]!;
    const c = this.text[at]!;
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at, e);
      return this.text.charCodeAt(close) === COLON && (close + 1 === e || this.text.charCodeAt(close + 1) === SP) ? close : undefined;
    }
    if ((c === '?' || c === ':') && (at + 1 === e || this.text.charCodeAt(at + 1) === SP)) throw new NotPlain();
    // Flow collections and other indicators start values, never simple keys.
    if (INDICATORS.has(c) || (c === '-' && (at + 1 === e || this.text.charCodeAt(at + 1) === SP))) return undefined;
    for (let i = at; i < e; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === HASH && this.text.charCodeAt(i - 1) === SP) return undefined;
      if (ch === COLON && (i + 1 === e || this.text.charCodeAt(i + 1) === SP)) return i;
    }
    return undefined;
  }

  private keyScalar(at: number, colonAt: number): YScalar {
    const c = this.text[at]!;
    if (c === '"' || c === "'") return this.quoted(at, colonAt)[0];
    let end = colonAt;
    while (end > at && this.text.charCodeAt(end - 1) === SP) end--;
    return scalar(plainValue(this.text.slice(at, end)), at, end);
  }

  /** An inline node from `at`: quoted, flow collection or plain scalar. Returns it and its end. */
  private inline(at: number, e: number, flow: boolean): [YNode, number] {
    const c = this.text[at]!;
    if (c === '"' || c === "'") return this.quoted(at, e);
    if (c === '{' || c === '[') return this.flowCollection(at, e);
    if (INDICATORS.has(c) || ((c === '?' || c === ':' || c === '-') && this.separates(at + 1, e, flow))) throw new NotPlain();
    let i = at;
    for (; i < e; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === HASH && this.text.charCodeAt(i - 1) === SP) break;
      if (ch === COLON && this.separates(i + 1, e, flow)) {
        if (!flow) throw new NotPlain();
        break;
      }
      if (flow && isFlowIndicator(ch)) break;
    }
    let end = i;
    while (end > at && this.text.charCodeAt(end - 1) === SP) end--;
    if (end === at) throw new NotPlain();
    return [scalar(plainValue(this.text.slice(at, end)), at, end), end];
  }

  /** Whether what is at `i` makes the `-`, `?` or `:` before it an indicator: the line's end, a
   *  space, or in flow a flow indicator. */
  private separates(i: number, e: number, flow: boolean): boolean {
    if (i === e) return true;
    const c = this.text.charCodeAt(i);
    return c === SP || (flow && isFlowIndicator(c));
  }

  private quotedEnd(at: number, e: number): number {
    const q = this.text[at]!;
    for (let i = at + 1; i < e; i++) {
      const ch = this.text[i];
      if (q === '"' && ch === '\\') i++;
      else if (ch === q) {
        if (q === "'" && this.text[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    throw new NotPlain();
  }

  private quoted(at: number, e: number): [YScalar, number] {
    const end = this.quotedEnd(at, e);
    const body = this.text.slice(at + 1, end - 1);
    const value = this.text[at] === "'" ? body.replaceAll("''", "'") : unescape(body);
    return [scalar(value, at, end), end];
  }

  /** `{k: v, ...}` or `[a, ...]` closed on the same line. */
  private flowCollection(at: number, e: number): [YNode, number] {
    this.enter();
    const isMap = this.text[at] === '{';
    const close = isMap ? '}' : ']';
    const coll: YMap | YSeq = isMap ? { kind: 'map', pairs: [], start: at, end: at } : { kind: 'seq', items: [], start: at, end: at };
    const keys = new Set<unknown>();
    let i = this.skipSpaces(at + 1, e);
    if (this.text[i] === close) {
      coll.end = i + 1;
      this.depth--;
      return [coll, i + 1];
    }
    for (;;) {
      const [item, itemEnd] = this.inline(i, e, true);
      i = this.skipSpaces(itemEnd, e);
      if (isMap) {
        if (item.kind !== 'scalar' || this.text[i] !== ':' || this.text.charCodeAt(i + 1) !== SP || keys.has(item.value)) throw new NotPlain();
        keys.add(item.value);
        const [value, valueEnd] = this.inline(this.skipSpaces(i + 1, e), e, true);
        (coll as YMap).pairs.push({ key: item, value });
        i = this.skipSpaces(valueEnd, e);
      } else {
        (coll as YSeq).items.push(item);
      }
      if (this.text[i] === close) break;
      if (this.text[i] !== ',') throw new NotPlain();
      i = this.skipSpaces(i + 1, e);
      if (this.text[i] === close || this.text[i] === ',') throw new NotPlain();
    }
    coll.end = i + 1;
    this.depth--;
    return [coll, i + 1];
  }

  private skipSpaces(i: number, e: number): number {
    while (i < e && this.text.charCodeAt(i) === SP) i++;
    if (i >= e) throw new NotPlain();
    return i;
  }

  /**
   * A literal block (`|`, `|-`, `|+`) whose indicator is at `at`, under a parent at column
   * `parent`: the more indented lines that follow, their common indentation removed.
   */
  private literal(li: number, at: number, parent: number): YScalar {
    const chomp = this.text[at + 1] === '-' || this.text[at + 1] === '+' ? this.text[at + 1]! : '';
    this.endOfLine(li, at + 1 + chomp.length);
    const content: string[] = [];
    let indent = -1;
    let last = li + 1;
    // The text after a final line break is no line: keep chomping must not count it as one.
    const lineCount = this.text.endsWith('\n') ? this.starts.length - 1 : this.starts.length;
    for (; last < lineCount; last++) {
      const s = this.starts[last]!;
      const len = this.ends[last]! - s;
      if (len === 0) {
        content.push('');
        continue;
      }
      const ind = this.indent(last);
      // Whitespace-only lines inside a literal have subtle rules: leave them to the full parser.
      if (ind === len) throw new NotPlain();
      if (indent < 0) indent = ind;
      if (ind <= parent || ind < indent) break;
      content.push(this.text.slice(s + indent, this.ends[last]!));
    }
    if (indent <= parent) throw new NotPlain();
    let trailing = 0;
    while (content.length && content[content.length - 1] === '') {
      content.pop();
      trailing++;
    }
    // The lines taken end where the next node starts, so blank lines taken at the end go back.
    this.cur = last - trailing;
    let value = content.join('\n');
    if (content.length) value += chomp === '-' ? '' : chomp === '+' ? '\n'.repeat(trailing + 1) : '\n';
    else if (chomp === '+') value = '\n'.repeat(trailing);
    const end = this.cur < this.starts.length ? this.starts[this.cur]! : this.text.length;
    return scalar(value, at, end);
  }
}
