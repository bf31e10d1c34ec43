// The 512-byte stack of each frame, byte by byte: uninitialised, scalar data, known zero, or
// part of a spilled register. An 8-byte store spills a register whole (pointers keep their
// type); a narrower store of a scalar at the start of an 8-byte slot spills its truncated value,
// and a load of at most that size from there gets it back; a narrower store of zero elsewhere
// makes zero bytes, which read back as zero when a load covers only them; everything else reads
// as an unknown number (privileged loaders may read bytes never written). All as observed on
// this kernel.

import { fail } from './errors';
import { truncateTo } from './bounds';
import { Reg, isPointer } from './reg';
import { Frame, STACK_MISC, STACK_SIZE, STACK_SPILL, STACK_ZERO, State } from './state';

/** Returned by stackOffset/stackRange for an access already reported as refused. */
export const BAD_OFFSET: i32 = i32.MIN_VALUE;

/**
 * The fixed offset from the frame pointer that reg + off designates, or BAD_OFFSET (after
 * reporting) when it is outside the stack. `reg` must have a constant variable part.
 */
export function stackOffset(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, what: string): i32 {
  const total = <i64>reg.off + <i64>reg.v + <i64>off;
  if (total < -<i64>STACK_SIZE || total + <i64>size > 0 || size <= 0) {
    fail(insn, 'invalid ' + what + ' stack R' + regno.toString() + ' off=' + total.toString() + ' size=' + size.toString());
    return BAD_OFFSET;
  }
  return <i32>total;
}

/** For a variable offset: the lowest byte offset touched, with `rangeHi` the highest + 1. */
export let rangeHi: i32 = 0;

export function stackRange(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, what: string): i32 {
  const lo = <i64>reg.off + reg.smin + <i64>off;
  const hi = <i64>reg.off + reg.smax + <i64>off + <i64>size;
  if (reg.smin < -<i64>STACK_SIZE || reg.smax > <i64>STACK_SIZE || lo < -<i64>STACK_SIZE || hi > 0 || size <= 0) {
    fail(insn, 'invalid variable-offset ' + what + ' stack R' + regno.toString() + ' off=' + off.toString() + ' size=' + size.toString());
    return BAD_OFFSET;
  }
  rangeHi = <i32>hi;
  return <i32>lo;
}

function noteDepth(f: Frame, total: i32): void {
  if (total < f.depth) f.depth = total;
}

/**
 * Drops the register spilled in a slot a store touches. A new spill at the slot's start keeps
 * the other bytes as they were (only the old spill's become data); any other store, or a
 * helper's, makes every written byte of the slot data, known zeros too (this kernel, observed).
 */
function scrubSlot(f: Frame, slot: i32, zeros: bool): void {
  if (!unchecked(f.spill[slot])) return;
  for (let b = slot * 8; b < slot * 8 + 8; b++) {
    const t = unchecked(f.slot[b]);
    if (t == STACK_SPILL || (t == STACK_ZERO && !zeros)) unchecked((f.slot[b] = STACK_MISC));
  }
  f.dropSpill(slot);
}

/** A store of `size` bytes at fp + total: `value` is the stored register, or null for an immediate. */
export function stackWrite(insn: i32, f: Frame, total: i32, size: i32, value: Reg | null, imm: i64): bool {
  noteDepth(f, total);
  const k = STACK_SIZE + total;
  const slot = k >> 3;
  if (value && size < 8 && isPointer(value.type)) return fail(insn, 'invalid size of register spill');
  const spills = size == 8 || (k & 7) == 0;
  scrubSlot(f, slot, spills);
  if (spills) {
    const s = f.spillAt(slot);
    if (value) s.copyFrom(value);
    else s.markConst(<u64>imm);
    if (size < 8) {
      truncateTo(s, size);
      s.id = 0;
    }
    unchecked((f.spillSize[slot] = <u8>size));
    for (let b = k; b < k + size; b++) unchecked((f.slot[b] = STACK_SPILL));
    return true;
  }
  const zero = value ? value.isZero() : imm == 0;
  for (let b = k; b < k + size; b++) unchecked((f.slot[b] = zero ? STACK_ZERO : STACK_MISC));
  return true;
}

/** A load of `size` bytes at fp + total into `dst`. */
export function stackRead(insn: i32, f: Frame, total: i32, size: i32, dst: Reg): bool {
  noteDepth(f, total);
  const k = STACK_SIZE + total;
  const slot = k >> 3;
  const spilled = unchecked(f.spill[slot]);
  if (spilled) {
    const base = slot * 8;
    const n = <i32>unchecked(f.spillSize[slot]);
    if (k + size <= base + n) {
      if (isPointer(spilled.type)) {
        if (size != 8) return fail(insn, 'invalid size of register fill');
        dst.copyFrom(spilled);
        return true;
      }
      if (k == base && (size == n || spilled.umax < (<u64>1 << (<u64>size * 8)))) {
        dst.copyFrom(spilled);
        // A fill keeps a plain link, not one with an offset (observed).
        if (size != n || dst.delta != 0) {
          dst.id = 0;
          dst.delta = 0;
        }
        return true;
      }
      if (spilled.isZero()) {
        dst.markConst(0);
        return true;
      }
    } else if (isPointer(spilled.type)) {
      return fail(insn, 'invalid size of register fill');
    }
  }
  let zeros = true;
  for (let b = k; b < k + size; b++) if (unchecked(f.slot[b]) != STACK_ZERO) zeros = false;
  if (zeros) {
    dst.markConst(0);
    return true;
  }
  dst.markUnknown();
  truncateTo(dst, size);
  return true;
}

/** A load at a variable offset [lo, hi): some number, unless a spilled pointer lies there. */
export function stackReadVar(insn: i32, f: Frame, lo: i32, hi: i32, size: i32, dst: Reg): bool {
  noteDepth(f, lo);
  for (let slot = (STACK_SIZE + lo) >> 3; slot <= (STACK_SIZE + hi - 1) >> 3; slot++) {
    const s = unchecked(f.spill[slot]);
    if (s && isPointer(s.type)) {
      return fail(insn, 'variable-offset read of a spilled pointer is not modelled by this verifier', 4);
    }
  }
  dst.markUnknown();
  truncateTo(dst, size);
  return true;
}

/**
 * Memory a helper (or a variable-offset store) touches on the stack, [lo, hi). Bytes written
 * become scalar data; spilled registers there are lost.
 */
export function stackTouch(f: Frame, lo: i32, hi: i32, write: bool): void {
  if (hi <= lo) return;
  noteDepth(f, lo);
  if (!write) return;
  const k = STACK_SIZE + lo;
  const e = STACK_SIZE + hi;
  for (let slot = k >> 3; slot <= (e - 1) >> 3; slot++) scrubSlot(f, slot, false);
  for (let b = k; b < e; b++) unchecked((f.slot[b] = STACK_MISC));
}

/** The frame a stack pointer points into. */
export function frameOf(st: State, reg: Reg): Frame {
  return st.frame(reg.frame);
}

