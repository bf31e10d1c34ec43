// Atomic read-modify-write instructions (STX|ATOMIC): add/or/and/xor with or without fetch,
// xchg and cmpxchg, 32 or 64 bits, on the stack or in map values.

import { zext32 } from './bounds';
import { fail, R, UNSUPPORTED } from './errors';
import { checkAlignment } from './align';
import { checkMapWritable } from './global-data';
import { checkRegion } from './memory';
import { BAD_OFFSET, frameOf, stackOffset, stackRead, stackTouch } from './stack';
import { ATOMIC_CMPXCHG, ATOMIC_FETCH, ATOMIC_XCHG, SZ_DW, SZ_W } from './opcode';
import { prog } from './program';
import { NOT_INIT, PTR_TO_MAP_VALUE, PTR_TO_STACK, Reg, isPointer, typeName } from './reg';
import { State } from './state';

let scratch: Reg = changetype<Reg>(0);

export function initAtomic(): void {
  scratch = new Reg();
}

export function checkAtomic(st: State, i: i32): bool {
  const code = unchecked(prog.code[i]);
  const size = code & 0x18;
  const imm = unchecked(prog.imm[i]);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  const bytes = size == SZ_DW ? 8 : 4;
  const src = st.reg(s);
  if (src.type == NOT_INIT) return fail(i, R(s) + ' !read_ok');
  if (imm == ATOMIC_CMPXCHG && st.reg(0).type == NOT_INIT) return fail(i, R(0) + ' !read_ok');
  if (isPointer(src.type)) return fail(i, 'atomic operations on pointers are not modelled by this verifier', UNSUPPORTED);
  const base = st.reg(d);
  if (base.type == NOT_INIT) return fail(i, R(d) + ' !read_ok');
  if (base.type != PTR_TO_STACK && base.type != PTR_TO_MAP_VALUE) {
    return fail(i, 'BPF_ATOMIC stores into ' + R(d) + ' ' + typeName(base.type) + ' is not allowed');
  }
  // Checked as under strict alignment even when the load did not ask for it, as the kernel does.
  if (!checkAlignment(i, base, off, bytes, true)) return false;
  if (base.type == PTR_TO_STACK) {
    if (!base.isConst()) return fail(i, 'variable-offset atomic stack access is not modelled by this verifier', UNSUPPORTED);
    const total = stackOffset(i, d, base, off, bytes, 'write to');
    if (total == BAD_OFFSET) return false;
    const f = frameOf(st, base);
    if (!stackRead(i, f, total, bytes, scratch)) return false;
    if (isPointer(scratch.type)) return fail(i, 'atomic operations on spilled pointers are not modelled by this verifier', UNSUPPORTED);
    // Whatever was there, it is now some number.
    stackTouch(f, total, total + bytes, true);
  } else if (!checkMapWritable(i, base.map, base.off + off, bytes) || !checkRegion(i, d, base, off, bytes, prog.maps[base.map].valueSize, 'map value')) {
    return false;
  }
  const fetches = imm == ATOMIC_XCHG || imm == ATOMIC_CMPXCHG || (imm & ATOMIC_FETCH) != 0;
  if (fetches) {
    const dst = imm == ATOMIC_CMPXCHG ? st.reg(0) : st.reg(s);
    dst.markUnknown();
    if (bytes == 4) zext32(dst);
  }
  return true;
}
