// Copy propagation and constant-offset folding. `eth = data` disappears when both registers are
// defined once; `ip = data + 14` folds into the accesses, so `ip.protocol` reads
// `*(u8 *)(data + 23)` as clang would write it, and the bounds check becomes `data + 34 > end`.
// The verifier accepts this: a pointer plus a constant shares the original's id, and a bounds
// check on one gives the range to all of them.

import { defs, isImm, isPhys, isSlotAddr, type Inst, type IrFunction, type Terminator, type VReg, type Addr } from './ir.ts';

const fitsOff = (n: number) => n >= -0x8000 && n <= 0x7fff;
const fitsImm = (n: number) => n >= -0x80000000 && n <= 0x7fffffff;

function defCounts(fn: IrFunction): Map<VReg, number> {
  const n = new Map<VReg, number>();
  for (const b of fn.blocks) for (const i of b.insts) for (const d of defs(i)) n.set(d, (n.get(d) ?? 0) + 1);
  return n;
}

function mapUses<T extends Inst | Terminator>(i: T, f: (v: VReg) => VReg): T {
  const x = { ...i } as Record<string, unknown>;
  const m = (o: unknown) => (typeof o === 'number' ? f(o) : o);
  for (const k of ['src', 'a', 'b']) if (k in x && x[k] !== undefined) x[k] = m(x[k]);
  if ('value' in x && x.value !== undefined) x.value = m(x.value);
  if ('args' in x) x.args = (x.args as unknown[]).map(m);
  if ('addr' in x && !isSlotAddr(x.addr as Addr)) {
    const a = x.addr as { base: VReg; off: number };
    x.addr = { ...a, base: f(a.base) };
  }
  return x as T;
}

/** Replaces copies `d = s` where d and s are each defined once. Returns whether it changed anything. */
export function propagateCopies(fn: IrFunction): boolean {
  const count = defCounts(fn);
  const alias = new Map<VReg, VReg>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      if (i.op !== 'mov' || isImm(i.src) || i.w !== 64 || isPhys(i.dst) || isPhys(i.src)) continue;
      if (count.get(i.dst) === 1 && count.get(i.src) === 1) alias.set(i.dst, i.src);
    }
  }
  if (alias.size === 0) return false;
  const find = (v: VReg): VReg => {
    while (alias.has(v)) v = alias.get(v)!;
    return v;
  };
  for (const b of fn.blocks) {
    b.insts = b.insts.filter((i) => !(i.op === 'mov' && !isImm(i.src) && alias.has(i.dst))).map((i) => mapUses(i, find));
    b.term = mapUses(b.term, find);
  }
  // The surviving register keeps the more telling name (a variable's, over a temporary's).
  for (const [d, s] of alias) {
    const root = find(s);
    if (fn.vregs[d]?.name && !fn.vregs[root]?.name) fn.vregs[root]!.name = fn.vregs[d]!.name;
    if (fn.vregs[d]?.nonNull) fn.vregs[root]!.nonNull = true;
  }
  return true;
}

/**
 * Folds `p = q + k` into p's address uses and into further `+ k2`. q must keep its value while p
 * lives: defined once, or the packet's data register (redefined only after a helper that moves
 * packet data, after which p itself may no longer be used: check-packet.ts reports that). Other
 * registers defined more than once (pointer variables) are left alone.
 */
export function foldOffsets(fn: IrFunction): boolean {
  const count = defCounts(fn);
  const sum = new Map<VReg, { base: VReg; k: number }>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      if (i.op !== 'alu' || i.aop !== 'add' || i.w !== 64 || !isImm(i.b) || isPhys(i.dst) || count.get(i.dst) !== 1) continue;
      const stable = count.get(i.a) === 1 || fn.vregs[i.a]?.packetData === true;
      if (stable && !isPhys(i.a)) sum.set(i.dst, { base: i.a, k: Number(i.b.imm) });
    }
  }
  if (sum.size === 0) return false;
  let changed = false;
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i) => {
      if ((i.op === 'load' || i.op === 'store') && !isSlotAddr(i.addr)) {
        const s = sum.get(i.addr.base);
        if (s && fitsOff(i.addr.off + s.k) && !(i.op === 'store' && !isImm(i.src) && i.src === i.addr.base)) {
          changed = true;
          return { ...i, addr: { base: s.base, off: i.addr.off + s.k } };
        }
      }
      if (i.op === 'alu' && i.aop === 'add' && i.w === 64 && isImm(i.b)) {
        const s = sum.get(i.a);
        if (s && fitsImm(Number(i.b.imm) + s.k)) {
          changed = true;
          return { ...i, a: s.base, b: { imm: i.b.imm + BigInt(s.k) } };
        }
      }
      return i;
    });
  }
  return changed;
}
