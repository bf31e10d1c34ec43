// Integer semantics in the kernel, at every width and sign: the program reads two operands from
// the packet (so nothing folds at compile time), computes, and writes the results back; the
// test compares with the same arithmetic done here on BigInts, wrapped to the width.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';

type Name = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';
const widths: Record<Name, number> = { u8: 8, u16: 16, u32: 32, u64: 64, i8: 8, i16: 16, i32: 32, i64: 64 };
const signed = (n: Name) => n.startsWith('i');
const wrap = (n: Name, v: bigint) => (signed(n) ? BigInt.asIntN(widths[n], v) : BigInt.asUintN(widths[n], v));

const results = ['add', 'sub', 'mul', 'div', 'mod', 'and', 'or', 'xor', 'shl', 'shr', 'shv', 'neg', 'not', 'half', 'quot'] as const;
const flags = ['lt', 'le', 'gt', 'eq', 'ovf', 'neg0', 'ternary', 'sw'] as const;

function source(t: Name): string {
  const bits = widths[t];
  const wide = signed(t) ? 'i64' : 'u64';
  return `
interface In { a: ${t}; b: ${t} }
interface Out { ${results.map((r) => `${r}: ${t};`).join(' ')} ${flags.map((f) => `${f}: u8;`).join(' ')} }
interface Wide { sum: ${wide}; diff: ${wide} }

/** @section xdp */
export function calc(ctx: XdpMd): u32 {
  const i = ctx.header<In>(0);
  const o = ctx.header<Out>(sizeof<In>());
  const w = ctx.header<Wide>(sizeof<In>() + sizeof<Out>());
  if (!i || !o || !w) return XDP_ABORTED;
  const a = i.a;
  const b = i.b;
  o.add = a + b;
  o.sub = a - b;
  o.mul = a * b;
  o.div = a / b;
  o.mod = a % b;
  o.and = a & b;
  o.or = a | b;
  o.xor = a ^ b;
  o.shl = a << 3;
  o.shr = a >> 1;
  o.shv = a >> (b & ${bits - 1});
  o.neg = -a;
  o.not = ~a;
  o.half = (a + b) >> 1;
  o.quot = (a + b) / (b | 1);
  o.lt = u8(a < b);
  o.le = u8(a <= b);
  o.gt = u8(a > b);
  o.eq = u8(a === b);
  o.ovf = u8(a + b < a);
  o.neg0 = u8(a - b < 0);
  o.ternary = a > b ? 1 : 2;
  let s: u8 = 0;
  switch (a) {
    case 0: s = 10; break;
    case 1:
    case 2: s = 12; break;
    default: s = 99;
  }
  o.sw = s;
  w.sum = ${wide}(a + b);
  w.diff = ${wide}(a - b);
  return XDP_PASS;
}
`;
}

function expected(t: Name, a: bigint, b: bigint) {
  const bits = BigInt(widths[t]);
  const w = (v: bigint) => wrap(t, v);
  const div = b === 0n ? 0n : w(a / b);
  const mod = b === 0n ? a : w(a % b);
  const shr = signed(t) ? a >> 1n : BigInt.asUintN(widths[t], a) >> 1n;
  const shv = signed(t) ? a >> (b & (bits - 1n)) : BigInt.asUintN(widths[t], a) >> (BigInt.asUintN(widths[t], b) & (bits - 1n));
  const sum = w(a + b);
  const odd = w(b | 1n);
  const half = signed(t) ? sum >> 1n : BigInt.asUintN(widths[t], sum) >> 1n;
  return {
    values: [w(a + b), w(a - b), w(a * b), div, mod, w(a & b), w(a | b), w(a ^ b), w(a << 3n), w(shr), w(shv), w(-a), w(~a), w(half), w(sum / odd)],
    flags: [a < b, a <= b, a > b, a === b, sum < a, w(a - b) < 0n, null, null].map((f) => (f === null ? undefined : f ? 1 : 0)),
    ternary: a > b ? 1 : 2,
    sw: a === 0n ? 10 : a === 1n || a === 2n ? 12 : 99,
    wide: [sum, w(a - b)],
  };
}

function cases(t: Name): [bigint, bigint][] {
  const bits = widths[t];
  const max = signed(t) ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed(t) ? -(1n << BigInt(bits - 1)) : 0n;
  const out: [bigint, bigint][] = [[0n, 0n], [1n, 2n], [2n, 1n], [max, 1n], [max, max], [min, 1n], [min, max], [5n, 0n], [max - 3n, 7n], [3n, 3n]];
  if (signed(t)) out.push([-7n, 2n], [-1n, -1n], [min, -1n], [7n, -2n], [-100n, 3n]);
  return out.map(([a, b]) => [wrap(t, a), wrap(t, b)]);
}

const bytesOf = (t: Name, v: bigint): number[] => {
  const n = widths[t] / 8;
  const u = BigInt.asUintN(widths[t], v);
  return Array.from({ length: n }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn));
};
const readAt = (t: Name, data: Uint8Array, off: number): bigint => {
  let u = 0n;
  for (let i = widths[t] / 8 - 1; i >= 0; i--) u = (u << 8n) | BigInt(data[off + i]!);
  return wrap(t, u);
};

for (const t of Object.keys(widths) as Name[]) {
  kernelTest(`${t}: arithmetic wraps at the width, compares and divides with the sign, widens exactly`, (tt) => {
    const p = load(tt, compileOk(tt, source(t)));
    const size = widths[t] / 8;
    const inLen = 2 * size;
    const outLen = results.length * size + flags.length;
    const wideT: Name = signed(t) ? 'i64' : 'u64';
    for (const [a, b] of cases(t)) {
      const packet = new Uint8Array(Math.max(64, inLen + outLen + 16 + 8));
      packet.set([...bytesOf(t, a), ...bytesOf(t, b)], 0);
      const r = p.run(packet);
      tt.is(r.retval, 2, `${t} ${a} ${b}: XDP_PASS`);
      const e = expected(t, a, b);
      const got = results.map((_, k) => readAt(t, r.data, inLen + k * size));
      tt.deepEqual(got, e.values, `${t} a=${a} b=${b}: ${results.join(' ')}`);
      const f = flags.map((_, k) => r.data[inLen + results.length * size + k]!);
      tt.deepEqual(f.slice(0, 6), e.flags.slice(0, 6), `${t} a=${a} b=${b}: ${flags.slice(0, 6).join(' ')}`);
      tt.is(f[6], e.ternary, `${t} a=${a} b=${b}: ?:`);
      tt.is(f[7], e.sw, `${t} a=${a} b=${b}: switch`);
      const wideAt = inLen + outLen;
      tt.deepEqual([readAt(wideT, r.data, wideAt), readAt(wideT, r.data, wideAt + 8)], e.wide, `${t} a=${a} b=${b}: widened`);
    }
  });
}
