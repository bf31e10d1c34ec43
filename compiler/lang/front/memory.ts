// Memory: addresses of references, loads and stores of scalar places, and the word-sized copy,
// zero and compare that BPF-TS uses for structs and arrays (never byte by byte on packet or map
// memory, the lesson of the talk), plus object literals written into fresh stack slots.

import type { Addr, Block, MemSize, VReg } from '../ir/ir.ts';
import type { Lowerer } from './lowerer.ts';
import { alignOf, sizeOf, type MemType, type Region } from './types.ts';
import { isSlotBase, type Place, type Ref, type Val } from './values.ts';

/** Slots are 8-byte aligned in the frame; map values are 8-byte aligned by the kernel. */
const BASE_ALIGN = 8;

export function addrOf(ref: Ref, extra = 0): Addr {
  return isSlotBase(ref.base) ? { slot: ref.base.slot, off: ref.off + extra } : { base: ref.base.v, off: ref.off + extra };
}

export function offsetRef(ref: Ref, by: number): Ref {
  return { ...ref, off: ref.off + by };
}

/** A register holding the reference's address (for helper arguments and pointer variables). */
export function pointerOf(lx: Lowerer, ref: Ref): VReg {
  const region: Region = ref.region;
  if (isSlotBase(ref.base)) {
    const dst = lx.b.vreg({ ptr: 'stack' });
    lx.b.emit({ op: 'addr', dst, slot: ref.base.slot, off: ref.off });
    return dst;
  }
  if (ref.off === 0) return ref.base.v;
  return lx.b.alu('add', ref.base.v, { imm: BigInt(ref.off) }, 64, { ptr: region });
}

export function loadScalar(lx: Lowerer, place: Extract<Place, { k: 'mem' } | { k: 'ctxfield' }>): Val {
  const t = place.type;
  if (t.kind !== 'int' && t.kind !== 'bool') throw new Error('loadScalar on a non-scalar place');
  if (place.k === 'ctxfield') {
    const v = lx.b.load({ base: place.v, off: place.off }, place.size, false);
    // A signed context field wider than its type would need extension; none exists today.
    return { k: 'reg', type: t, v, dirty: t.kind === 'int' && t.signed && t.bits < place.size * 8 };
  }
  const size = sizeOf(t) as MemSize;
  const signed = t.kind === 'int' && t.signed && size < 8;
  const v = lx.b.load(addrOf(place.ref), size, signed);
  return { k: 'reg', type: t, v, dirty: false };
}

/** Stores a register or constant of the place's size (the store truncates: no normalising). */
export function storeScalar(lx: Lowerer, place: Extract<Place, { k: 'mem' } | { k: 'ctxfield' }>, value: VReg | bigint): void {
  if (place.k === 'ctxfield') {
    lx.b.store({ base: place.v, off: place.off }, place.size, value);
    return;
  }
  lx.b.store(addrOf(place.ref), sizeOf(place.type) as MemSize, value);
}

/** The alignment an access at `ref` can rely on. Packet memory may be unaligned (and can be). */
function alignAt(ref: Ref): number {
  const base = ref.region === 'packet' ? 8 : BASE_ALIGN;
  let a = base;
  while (a > 1 && ref.off % a !== 0) a >>= 1;
  return a;
}

/** Splits `size` bytes into the widest accesses both sides allow, in order. */
function chunks(size: number, ...refs: Ref[]): { off: number; size: MemSize }[] {
  const out: { off: number; size: MemSize }[] = [];
  let off = 0;
  while (off < size) {
    let n: MemSize = 8;
    while (n > size - off || refs.some((r) => r.region !== 'packet' && alignAt(offsetRef(r, off)) < n)) n = (n >> 1) as MemSize;
    out.push({ off, size: n });
    off += n;
  }
  return out;
}

export function copyMem(lx: Lowerer, dst: Ref, src: Ref, size: number): void {
  for (const c of chunks(size, dst, src)) {
    const v = lx.b.load(addrOf(src, c.off), c.size);
    lx.b.store(addrOf(dst, c.off), c.size, v);
  }
}

export function zeroMem(lx: Lowerer, dst: Ref, size: number): void {
  for (const c of chunks(size, dst)) lx.b.store(addrOf(dst, c.off), c.size, 0n);
}

/** Branches to `t` when the `size` bytes at a and b are equal, else to `f`. */
export function equalMem(lx: Lowerer, a: Ref, b: Ref, size: number, t: Block, f: Block): void {
  const parts = chunks(size, a, b);
  parts.forEach((c, i) => {
    const x = lx.b.load(addrOf(a, c.off), c.size);
    const y = lx.b.load(addrOf(b, c.off), c.size);
    const next = i === parts.length - 1 ? t : lx.b.newBlock();
    lx.b.branch('ne', x, y, c.size === 8 ? 64 : 32, f, next);
    lx.b.setBlock(next);
  });
  if (parts.length === 0) lx.b.jumpTo(t);
}

/** A fresh stack object for a value of type t (object literals, scalar map keys, temporaries). */
export function stackObject(lx: Lowerer, t: MemType, name: string): Ref {
  const slot = lx.b.slot(sizeOf(t), Math.max(alignOf(t), BASE_ALIGN), name);
  lx.b.emit({ op: 'slotdef', slot });
  return { base: { slot }, off: 0, region: 'stack' };
}

/**
 * Writes an object's bytes: `consts` are known bytes, written where `write` is set (every byte
 * not given by a register field, unless the object started as a copy); `regs` are the fields
 * computed at run time. Constant runs become the widest aligned immediate stores.
 */
export function initObject(
  lx: Lowerer,
  dst: Ref,
  size: number,
  consts: Uint8Array,
  write: Uint8Array,
  regs: { off: number; size: MemSize; v: VReg }[],
): void {
  const skip = new Uint8Array(size);
  for (let i = 0; i < size; i++) skip[i] = write[i] ? 0 : 1;
  for (const r of regs) skip.fill(1, r.off, r.off + r.size);
  let off = 0;
  while (off < size) {
    if (skip[off]) {
      off++;
      continue;
    }
    let n: MemSize = 8;
    const fitsRun = (len: number) => {
      for (let i = off; i < off + len; i++) if (i >= size || skip[i]) return false;
      return true;
    };
    while (n > 1 && (off % n !== 0 || !fitsRun(n) || (n === 8 && !fitsImm32(consts, off)))) n = (n >> 1) as MemSize;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(consts[off + i]!);
    lx.b.store(addrOf(dst, off), n, value);
    off += n;
  }
  for (const r of regs) lx.b.store(addrOf(dst, r.off), r.size, r.v);
}

/** Whether 8 constant bytes can be an ST's sign-extended 32-bit immediate. */
function fitsImm32(bytes: Uint8Array, off: number): boolean {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i] ?? 0);
  const s = BigInt.asIntN(64, v);
  return s >= -(1n << 31n) && s < 1n << 31n;
}
