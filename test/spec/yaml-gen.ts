// Random YAML texts for the property test of the fast reader: block, flow and scalar styles,
// plain, quoted and literal/folded scalars with every chomping indicator, comments, anchors,
// several documents, odd indentation, tabs, CRLF, unicode and keys of every length; then, for
// some, a few characters changed at random, so that near-misses of the plain subset come up too.

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

/** What specs hold, mostly; then words at the edges of the plain subset. */
const USUAL = ['a', 'web', 'x-y', 'a b', 'é', '日本', '😀', 'true', 'False', 'null', '~', '0', '-1', '+2', '007', '10.0.0.1', 'fd00::1', '30000-32767', 'a:b', 'http://x', 'x#y'];
const WORDS = [
  ...USUAL, 'yes', 'no', 'on', '0x1f',
  '1.5', '.inf', '1e3', '-x', '?x', ':x', '%x', '@x', '`x',
  'a,b', 'a]', 'a}', '[x', '{x', 'k:{"a":1}', 'f:spec', 'v:"x"', '.', '..', '...', '---', '- ', '!x', '&x', '*x', '|', '>',
  "'", '"', 'a\'b', 'a"b', 'a\\b', '\u0085', '\u2028', '\u00a0x', 'x\u00a0', '12345678901234567890', '-0', '+0', '0o17', 'Null',
];

/** A word, or a long one: implicit keys may be at most 1,024 characters. */
function word(r: Rand): string {
  if (chance(r, 0.04)) return 'k'.repeat(pick(r, [1023, 1024, 1025, 1030, 2000]) - (chance(r, 0.5) ? 2 : 0));
  if (chance(r, 0.1)) return `${pick(r, WORDS)}${pick(r, [' ', '  ', ' # ', '#', ': ', ':', '\t', ' - '])}${pick(r, WORDS)}`;
  return pick(r, chance(r, 0.7) ? USUAL : WORDS);
}

const ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\UFFFFFFFF', '\\U00110000', '\\uD800', '\\q', '\\ ', '\\/', '\\0', '\\e', '\\N', '\\_', '\\L', '\\P', '\\x4', '\\'];

function scalar(r: Rand, inFlow: boolean): string {
  const k = r();
  if (k < 0.55) return word(r);
  if (k < 0.7) return `'${word(r).replaceAll("'", chance(r, 0.8) ? "''" : "'")}'`;
  if (k < 0.85) {
    const body = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (chance(r, 0.4) ? pick(r, ESCAPES) : word(r).replaceAll('\\', '\\\\').replaceAll('"', '\\"'))).join('');
    return `"${body}"`;
  }
  if (inFlow) return word(r);
  return pick(r, ['', '~', 'null', '""', "''"]);
}

/** A literal or folded block scalar: header, then lines at `indent` (with blank, deeper and comment-like lines). */
function blockScalar(r: Rand, indent: number, nl: string): string {
  const header = `${pick(r, ['|', '|', '|', '>'])}${pick(r, ['', '', '-', '+'])}${chance(r, 0.1) ? pick(r, ['1', '2', '9']) : ''}${chance(r, 0.15) ? ' # c' : ''}`;
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const v = r();
    if (v < 0.15) lines.push('');
    else if (v < 0.22) lines.push(pad.slice(0, Math.floor(r() * (indent + 2))) + (chance(r, 0.5) ? ' ' : ''));
    else if (v < 0.3) lines.push(`${pad}  ${word(r)}`);
    else if (v < 0.36) lines.push(`${pad}# ${word(r)}`);
    else if (v < 0.4) lines.push(`${pad}\t${word(r)}`);
    else lines.push(`${pad}${word(r)}`);
  }
  if (chance(r, 0.3)) for (let i = Math.floor(r() * 3); i >= 0; i--) lines.push('');
  return header + (lines.length ? nl + lines.join(nl) : '');
}

function flow(r: Rand, depth: number): string {
  const sp = () => pick(r, ['', ' ', ' ', '  ']);
  if (depth > 2 || chance(r, 0.3)) return scalar(r, true);
  const n = Math.floor(r() * 4);
  const items: string[] = [];
  const isMap = chance(r, 0.5);
  for (let i = 0; i < n; i++) items.push(isMap ? `${scalar(r, true)}:${pick(r, [' ', ' ', '', '  '])}${flow(r, depth + 1)}` : flow(r, depth + 1));
  const trailing = chance(r, 0.05) ? ',' : '';
  return isMap ? `{${sp()}${items.join(`,${sp()}`)}${trailing}${sp()}}` : `[${sp()}${items.join(`,${sp()}`)}${trailing}${sp()}]`;
}

function comment(r: Rand): string {
  return chance(r, 0.15) ? pick(r, [' # c', ' #', '  # é', '#x']) : '';
}

/** Anchors and tags ahead of a value, now and then: the fast reader must leave those to yaml. */
function props(r: Rand): string {
  return chance(r, 0.04) ? `${pick(r, ['&a ', '!!str ', '!x ', '&b !!int '])}` : '';
}

/**
 * A block value after `key:` or `- ` at column `col`: inline (scalar, flow, block scalar, alias)
 * or on the following lines, indented by a random step (sometimes none, for kubectl's lists).
 */
function blockValue(r: Rand, col: number, depth: number, nl: string): string {
  const k = r();
  if (depth > 4 || k < 0.35) return ` ${props(r)}${scalar(r, false)}${comment(r)}`.replace(/^ $/, '');
  if (k < 0.5) return ` ${props(r)}${flow(r, 0)}${comment(r)}`;
  if (k < 0.6) return ` ${props(r)}${blockScalar(r, col + pick(r, [1, 2, 2, 4]), nl)}`;
  if (k < 0.63) return ` *${pick(r, ['a', 'b'])}`;
  const step = pick(r, [1, 2, 2, 2, 3, 4, 0]);
  return `${comment(r)}${nl}${block(r, col + step, depth + 1, nl)}`;
}

function block(r: Rand, col: number, depth: number, nl: string): string {
  const pad = ' '.repeat(col);
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  const isSeq = chance(r, 0.4);
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (chance(r, 0.08)) lines.push(`${pad.slice(0, Math.floor(r() * (col + 3)))}# ${word(r)}`);
    if (chance(r, 0.05)) lines.push(pick(r, ['', ' ', '  ']));
    if (isSeq) {
      // `- - x` and `- k: v` put a nested node on the dash's line.
      if (chance(r, 0.15)) lines.push(`${pad}- ${block(r, col + 2, depth + 1, nl).trimStart()}`);
      else lines.push(`${pad}-${blockValue(r, col, depth, nl)}`);
    } else {
      let key = chance(r, 0.1) ? scalar(r, false) : word(r);
      if (keys.has(key) && chance(r, 0.8)) key = `${key}${i}`;
      keys.add(key);
      if (key === '') key = '""';
      const colon = pick(r, [':', ':', ':', ' :', ':\t']);
      lines.push(`${pad}${chance(r, 0.03) ? '? ' : ''}${key}${colon}${blockValue(r, col, depth, nl)}`);
    }
  }
  return lines.join(nl);
}

/** One generated text: one or more documents, with markers, comments and line ends of some kind. */
export function randomYaml(r: Rand): string {
  const nl = chance(r, 0.1) ? '\r\n' : '\n';
  const docs: string[] = [];
  const n = chance(r, 0.75) ? 1 : 2 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    let body = chance(r, 0.1) ? `${props(r)}${flow(r, 0)}` : chance(r, 0.05) ? scalar(r, false) : block(r, chance(r, 0.1) ? 1 : 0, 0, nl);
    if (chance(r, 0.1)) body = `# ${word(r)}${nl}${body}`;
    const marker = i > 0 || chance(r, 0.2) ? `${pick(r, ['---', '---', '--- # c', '--- ', '---x', '--- x'])}${nl}` : '';
    const end = chance(r, 0.05) ? `${nl}...` : '';
    docs.push(`${marker}${body}${end}`);
  }
  let text = docs.join(nl) + pick(r, [nl, nl, nl, '', nl + nl, nl + '  ', nl + '# end']);
  if (chance(r, 0.02)) text = `\ufeff${text}`;
  if (chance(r, 0.25)) text = mutate(r, text);
  return text;
}

const NOISE = [' ', '  ', '\t', '\r', '\n', ':', '#', '-', "'", '"', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '?', '%', '@', 'é', '\u2028', '\u0085', '\x00', '\\', '\ufeff'];

/** A few characters inserted, deleted or replaced at random places. */
function mutate(r: Rand, text: string): string {
  let s = text;
  for (let i = 1 + Math.floor(r() * 3); i > 0; i--) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.4) s = s.slice(0, at) + pick(r, NOISE) + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 2));
    else s = s.slice(0, at) + pick(r, NOISE) + s.slice(at + 1);
  }
  return s;
}
