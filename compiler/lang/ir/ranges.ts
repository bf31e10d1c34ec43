// Value ranges of registers defined once, from how they are computed (a u8 load is at most 255,
// `x & 15` at most 15, ...), used to drop masks that cannot change a value (the `& 0xffff` that
// normalises a u16 whose computation never exceeds it) and branches that cannot be taken (the
// 64 KiB check before a packet offset computed from an IHL). Only upper bounds of unsigned values.

import { defs, isImm, type Inst, type IrFunction, type VReg } from './ir.ts';

const U32 = (1n << 32n) - 1n;
const U64 = (1n << 64n) - 1n;

function upperBounds(fn: IrFunction): Map<VReg, bigint> {
  const count = new Map<VReg, number>();
  const def = new Map<VReg, Inst>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      for (const d of defs(i)) {
        count.set(d, (count.get(d) ?? 0) + 1);
        def.set(d, i);
      }
    }
  }
  const memo = new Map<VReg, bigint>();
  const max = (v: VReg, depth = 0): bigint => {
    if (memo.has(v)) return memo.get(v)!;
    const i = def.get(v);
    let m = U64;
    if (i && count.get(v) === 1 && depth < 32) m = bound(i, (x) => max(x, depth + 1));
    memo.set(v, m);
    return m;
  };
  for (const v of def.keys()) max(v);
  return memo;
}

function bound(i: Inst, max: (v: VReg) => bigint): bigint {
  const opnd = (o: VReg | { imm: bigint }) => (isImm(o) ? (o.imm < 0n ? U64 : o.imm) : max(o));
  const cap = (x: bigint, w: 32 | 64) => (x > (w === 32 ? U32 : U64) ? (w === 32 ? U32 : U64) : x);
  switch (i.op) {
    case 'load':
      return i.signed ? U64 : (1n << BigInt(i.size * 8)) - 1n;
    case 'mov':
      return isImm(i.src) ? (i.src.imm < 0n && i.w === 64 ? U64 : BigInt.asUintN(i.w, i.src.imm)) : i.w === 32 ? cap(max(i.src), 32) : max(i.src);
    case 'alu': {
      const a = max(i.a);
      const b = opnd(i.b);
      const limit = i.w === 32 ? U32 : U64;
      let r: bigint;
      switch (i.aop) {
        case 'and': r = a < b ? a : b; break;
        case 'add': r = a + b; break;
        case 'mul': r = a * b; break;
        case 'rsh': r = isImm(i.b) ? a >> i.b.imm : a; break;
        case 'lsh': r = isImm(i.b) ? a << i.b.imm : limit; break;
        // The kernel verifier leaves quotients and remainders unbounded: a branch that bounds one
        // is its only proof, so it must stay (a Maglev slot is `hash % size`, then compared).
        case 'div': case 'mod': r = limit; break;
        case 'or': case 'xor': { let m = 1n; while (m <= a || m <= b) m <<= 1n; r = m - 1n; break; }
        default: r = limit;
      }
      // An operation that could wrap gives no bound.
      return r > limit ? limit : r;
    }
    case 'bswap':
      return (1n << BigInt(i.bits)) - 1n;
    default:
      return U64;
  }
}

/** `dst = x & (2^n - 1)` where x never exceeds the mask becomes a copy. */
export function dropUselessMasks(fn: IrFunction): boolean {
  const max = upperBounds(fn);
  let changed = false;
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i): Inst => {
      if (i.op !== 'alu' || i.aop !== 'and' || !isImm(i.b)) return i;
      const m = i.b.imm;
      if (m <= 0n || (m & (m + 1n)) !== 0n) return i;
      if ((max.get(i.a) ?? U64) > m) return i;
      changed = true;
      return { op: 'mov', dst: i.dst, src: i.a, w: 64, loc: i.loc };
    });
  }
  return changed;
}

/** `if x > k` (unsigned) where x never exceeds k: the branch is never taken. */
export function foldBoundedBranches(fn: IrFunction): boolean {
  const max = upperBounds(fn);
  let changed = false;
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op !== 'br' || !isImm(t.b) || t.b.imm < 0n) continue;
    const m = max.get(t.a) ?? U64;
    const never = (t.cond === 'gt' && m <= t.b.imm) || (t.cond === 'ge' && m < t.b.imm);
    const always = (t.cond === 'le' && m <= t.b.imm) || (t.cond === 'lt' && m < t.b.imm);
    if (!never && !always) continue;
    b.term = { op: 'jmp', target: never ? t.f : t.t, loc: t.loc };
    changed = true;
  }
  return changed;
}
