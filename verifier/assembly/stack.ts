// The 512-byte stack of each frame, byte by byte: uninitialised, scalar data, known zero, or
// part of a spilled register. Full 8-byte stores spill a register (pointers keep their type);
// narrower stores of pointers are refused; loads fill registers back or give scalars.

import { fail, UNSUPPORTED } from './errors';
import { truncateTo } from './bounds';
import { Reg, isPointer } from './reg';
import { Frame, STACK_MISC, STACK_SIZE, STACK_SPILL, STACK_ZERO, State } from './state';

/**
 * The fixed offset from the frame pointer that reg + off designates, or i32.MIN_VALUE (after
 * reporting) when it is out of the stack or variable.
 */
export function stackOffset(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, what: string): i32 {
  if (!reg.isConst()) {
    fail(insn, 'variable-offset stack access by R' + regno.toString() + ' is not modelled by this verifier', UNSUPPORTED);
    return i32.MIN_VALUE;
  }
  const total = <i64>reg.off + <i64>(<i64>reg.v) + <i64>off;
  if (total < -<i64>STACK_SIZE || total + <i64>size > 0 || size <= 0) {
    fail(insn, 'invalid ' + what + ' stack R' + regno.toString() + ' off=' + total.toString() + ' size=' + size.toString());
    return i32.MIN_VALUE;
  }
  return <i32>total;
}

function noteDepth(f: Frame, total: i32): void {
  if (total < f.depth) f.depth = total;
}

/** Turns a spilled slot touched partially into plain data, as a partial overwrite does. */
function scrubSlot(f: Frame, slot: i32): void {
  if (!unchecked(f.spill[slot])) return;
  for (let b = slot * 8; b < slot * 8 + 8; b++) {
    if (unchecked(f.slot[b]) == STACK_SPILL) unchecked((f.slot[b] = STACK_MISC));
  }
  f.dropSpill(slot);
}

/** A store of `size` bytes at fp + total: `value` is the stored register, or null for an immediate. */
export function stackWrite(insn: i32, f: Frame, total: i32, size: i32, value: Reg | null, imm: i64): bool {
  noteDepth(f, total);
  const k = STACK_SIZE + total;
  const slot = k >> 3;
  if (size == 8) {
    const s = f.spillAt(slot);
    if (value) s.copyFrom(value);
    else s.markConst(<u64>imm);
    for (let b = k; b < k + 8; b++) unchecked((f.slot[b] = STACK_SPILL));
    return true;
  }
  if (value && isPointer(value.type)) return fail(insn, 'invalid size of register spill');
  scrubSlot(f, slot);
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
  if (spilled && unchecked(f.slot[k]) == STACK_SPILL) {
    if (size == 8) {
      dst.copyFrom(spilled);
      return true;
    }
    if (isPointer(spilled.type)) return fail(insn, 'invalid size of register fill');
    dst.markUnknown();
    truncateTo(dst, size);
    return true;
  }
  let zeros = true;
  for (let b = k; b < k + size; b++) {
    if (unchecked(f.slot[b]) != STACK_ZERO) zeros = false;
  }
  if (zeros) {
    dst.markConst(0);
    return true;
  }
  // Uninitialised bytes read as unknown data: the kernel lets privileged loaders read them.
  dst.markUnknown();
  truncateTo(dst, size);
  return true;
}

/**
 * Memory a helper reads (read) and/or writes (write) on the stack, [total, total + size).
 * Written bytes become scalar data; spilled registers there are lost.
 */
export function stackHelperAccess(f: Frame, total: i32, size: i32, write: bool): void {
  if (size <= 0) return;
  noteDepth(f, total);
  const k = STACK_SIZE + total;
  if (!write) return;
  for (let slot = k >> 3; slot <= (k + size - 1) >> 3; slot++) scrubSlot(f, slot);
  for (let b = k; b < k + size; b++) unchecked((f.slot[b] = STACK_MISC));
}

/** The frame a stack pointer points into. */
export function frameOf(st: State, reg: Reg): Frame {
  return st.frame(reg.frame);
}
