// How scalars read under YAML 1.2's core schema, for the plain reader: plain scalars resolve to
// null, booleans, integers or strings, and double-quoted ones lose their escapes.

/** Thrown inside the plain reader when the input leaves the plain subset; never escapes it. */
export class NotPlain extends Error {}

// YAML 1.2 core schema: what a plain scalar resolves to. Numbers other than decimal integers
// (floats, hex, octal, .inf) are rare in specs: rather than re-implement them, give up.
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const INT = /^[-+]?[0-9]+$/;
const OTHER_NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0x[0-9a-fA-F]+|0o[0-7]+)$/;

export function plainValue(s: string): string | number | boolean | null {
  if (NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if (INT.test(s)) return parseInt(s, 10);
  if (OTHER_NUMBER.test(s)) throw new NotPlain();
  return s;
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

export function unescape(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i]!;
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex) {
      const digits = body.slice(i + 1, i + 1 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) throw new NotPlain();
      const code = parseInt(digits, 16);
      // Past U+10FFFF there is no character (String.fromCodePoint throws): yaml decides what it is.
      if (code > 0x10ffff) throw new NotPlain();
      out += String.fromCodePoint(code);
      i += hex;
    } else if (next in ESCAPES) {
      out += ESCAPES[next];
    } else {
      throw new NotPlain();
    }
  }
  return out;
}
