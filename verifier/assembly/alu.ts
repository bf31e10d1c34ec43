// ALU and ALU64 instructions (encodings checked by encoding.ts): moves (copies keep pointer types and link
// scalar copies), scalar arithmetic (scalar-alu.ts), and the pointer arithmetic the kernel
// allows: adding or subtracting scalars to most pointers, subtracting pointers to get scalars.

import { consistent, syncBounds, truncateTo, zext32 } from './bounds';
import { fail, R, UNSUPPORTED } from './errors';
import { newId } from './ids';
import {
  ALU_ADD, ALU_AND, ALU_ARSH, ALU_DIV, ALU_END, ALU_LSH, ALU_MOD, ALU_MOV, ALU_NEG, ALU_OR, ALU_RSH, ALU_SUB, ALU_XOR,
  CLS_ALU64, SRC_X, classOf, opOf, srcOf,
} from './opcode';
import { prog } from './program';
import {
  Reg, NOT_INIT, SCALAR, CONST_PTR_TO_MAP, PTR_TO_PACKET_END, PTR_TO_STACK, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, S64_MIN,
  isOrNull, isPacket, isPointer, typeName, PTR_TO_FUNC } from './reg';
import { scalarAlu } from './scalar-alu';
import { rm, rv, tnumAdd, tnumBswap, tnumSub } from './tnum';
import { State } from './state';
import { MAX_VAR_OFF } from './memory';

let K: Reg = changetype<Reg>(0);
let T: Reg = changetype<Reg>(0);

/**
 * Linked copies (this kernel, observed): `r2 = r1` links two scalars; one `r2 += K` or `-= K`
 * keeps the link with an offset; a second one, a 32-bit operation, or copying the offset copy
 * breaks it; a 32-bit move links when the value fits in 32 bits. Offsets stay small here.
 */
const MAX_LINK_DELTA: i64 = 1 << 29;

export function initAlu(): void {
  K = new Reg();
  T = new Reg();
}

function opName(op: u8): string {
  switch (op) {
    case ALU_ADD: return '+=';
    case ALU_SUB: return '-=';
    case 0x20: return '*=';
    case ALU_DIV: return '/=';
    case ALU_OR: return '|=';
    case ALU_AND: return '&=';
    case ALU_LSH: return '<<=';
    case ALU_RSH: return '>>=';
    case ALU_MOD: return '%=';
    case ALU_XOR: return '^=';
    case ALU_ARSH: return 's>>=';
  }
  return '?';
}

/** Executes the ALU instruction at i on the state; false after reporting an error. */
export function doAlu(st: State, i: i32): bool {
  const code = unchecked(prog.code[i]);
  const is64 = classOf(code) == CLS_ALU64;
  const op = opOf(code);
  const x = srcOf(code) == SRC_X;
  const dno = <i32>unchecked(prog.dst[i]);
  const sno = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  const imm = unchecked(prog.imm[i]);
  const dst = st.reg(dno);
  // For END, the source bit picks the byte order, not a register.
  if (x && op != ALU_END && st.reg(sno).type == NOT_INIT) return fail(i, R(sno) + ' !read_ok');
  if (op != ALU_MOV && dst.type == NOT_INIT) return fail(i, R(dno) + ' !read_ok');
  if (dno == 10) return fail(i, 'frame pointer is read only');

  if (op == ALU_MOV) return doMov(st, i, dst, x ? st.reg(sno) : null, imm, off, is64);
  if (op == ALU_NEG) {
    if (isPointer(dst.type)) {
      dst.markUnknown();
      return true;
    }
    K.markConst(0);
    T.copyFrom(dst);
    dst.copyFrom(K);
    scalarAlu(ALU_SUB, is64, dst, T);
    return true;
  }
  if (op == ALU_END) return doEnd(i, dst, imm, is64, x);

  if (x) K.copyFrom(st.reg(sno));
  else K.markConst(is64 ? <u64>(<i64>imm) : <u64>(<u32>imm));
  if (!isPointer(dst.type) && !isPointer(K.type)) {
    if ((op == ALU_DIV || op == ALU_MOD) && off == 1) {
      // Signed division and modulo: some number, even in 32 bits (as this kernel has it).
      dst.markUnknown();
      return true;
    }
    // A copy moved by a constant stays linked to the value it was copied from (once).
    const linkId = is64 && (op == ALU_ADD || op == ALU_SUB) && K.isConst() && dst.id != 0 && dst.delta == 0 ? dst.id : 0;
    scalarAlu(op, is64, dst, K);
    if (linkId != 0) {
      const d = op == ALU_ADD ? <i64>K.v : -<i64>K.v;
      if (d > -MAX_LINK_DELTA && d < MAX_LINK_DELTA) {
        dst.id = linkId;
        dst.delta = <i32>d;
      }
    }
    return true;
  }
  return pointerAlu(i, dst, dno, K, op, is64);
}

function doMov(st: State, i: i32, dst: Reg, src: Reg | null, imm: i32, off: i32, is64: bool): bool {
  if (!src) {
    dst.markConst(is64 ? <u64>(<i64>imm) : <u64>(<u32>imm));
    return true;
  }
  if (off != 0) {
    // movsx: sign-extend the low 8/16/32 bits.
    if (isPointer(src.type)) {
      dst.markUnknown();
      if (!is64) zext32(dst);
      return true;
    }
    T.copyFrom(src);
    signExtendFrom(T, off);
    dst.copyFrom(T);
    if (!is64) zext32(dst);
    dst.id = 0;
    return true;
  }
  if (is64) {
    if (src.type == SCALAR && src.delta != 0) {
      dst.copyFrom(src);
      dst.id = 0;
      dst.delta = 0;
      return true;
    }
    if (src.type == SCALAR && src.id == 0 && !src.isConst()) src.id = newId();
    dst.copyFrom(src);
    return true;
  }
  if (isPointer(src.type)) {
    // A privileged loader may copy half a pointer; what it gets is a number.
    dst.markUnknown();
    zext32(dst);
    return true;
  }
  // A value that fits in 32 bits is its own zero extension: the copy stays linked.
  const link = src.type == SCALAR && src.delta == 0 && !src.isConst() && src.umax <= 0xffffffff;
  if (link && src.id == 0) src.id = newId();
  T.copyFrom(src);
  dst.copyFrom(T);
  if (!link) {
    dst.id = 0;
    dst.delta = 0;
  }
  zext32(dst);
  return true;
}

/** The value as the sign extension of its low `bits` bits. */
function signExtendFrom(r: Reg, bits: i32): void {
  const half: i64 = <i64>1 << <i64>(bits - 1);
  const mask: u64 = bits == 64 ? u64.MAX_VALUE : (<u64>1 << <u64>bits) - 1;
  if (r.m == 0) {
    let v = <i64>(r.v & mask);
    if (v >= half) v -= half << 1;
    r.markConst(<u64>v);
    return;
  }
  // Values already within the narrow signed range are unchanged; others become unknown in it.
  if (r.smin >= -half && r.smax < half) return;
  r.markUnknown();
  r.setFullBounds();
  r.smin = -half;
  r.smax = half - 1;
  syncBounds(r);
}

function doEnd(i: i32, dst: Reg, imm: i32, is64: bool, toBig: bool): bool {
  if (isPointer(dst.type)) return fail(i, 'byte swap of a pointer is not modelled by this verifier', UNSUPPORTED);
  const bytes = imm / 8;
  dst.id = 0;
  if (!is64 && !toBig) {
    // To little endian on a little-endian machine: only the truncation.
    truncateTo(dst, bytes);
    return true;
  }
  tnumBswap(dst.v, dst.m, bytes);
  dst.v = rv;
  dst.m = rm;
  dst.setFullBounds();
  syncBounds(dst);
  return true;
}

function pointerAlu(i: i32, dst: Reg, dno: i32, src: Reg, op: u8, is64: bool): bool {
  const dptr = isPointer(dst.type);
  const sptr = isPointer(src.type);
  // Two pointers are checked before the width: pointer minus pointer is a number in 32 bits too
  // (clang's `w2 -= w1` for data_end - data).
  if (dptr && sptr) {
    if (op == ALU_SUB) {
      dst.markUnknown();
      return true;
    }
    return fail(i, R(dno) + ' pointer ' + opName(op) + ' pointer prohibited');
  }
  if (!is64) return fail(i, R(dno) + ' 32-bit pointer arithmetic prohibited');
  if (!dptr && op == ALU_SUB) return fail(i, R(dno) + ' tried to subtract pointer from scalar');
  if (op != ALU_ADD && op != ALU_SUB) {
    if (op == ALU_AND || op == ALU_OR || op == ALU_XOR) {
      return fail(i, R(dno) + ' bitwise operator ' + opName(op) + ' on pointer prohibited');
    }
    return fail(i, R(dno) + ' pointer arithmetic with ' + opName(op) + ' operator prohibited');
  }
  // ptr + scalar, scalar + ptr, ptr - scalar: the pointer operand into T, the scalar into K.
  if (!dptr) {
    T.copyFrom(src);
    K.copyFrom(dst);
  } else {
    T.copyFrom(dst);
  }
  const t = T.type;
  if (isOrNull(t)) return fail(i, R(dno) + ' pointer arithmetic on ' + typeName(t) + ' prohibited, null-check it first');
  if (t == CONST_PTR_TO_MAP || t == PTR_TO_PACKET_END || t == PTR_TO_SOCKET || t == PTR_TO_SOCK_COMMON || t == PTR_TO_FUNC) {
    return fail(i, R(dno) + ' pointer arithmetic on ' + typeName(t) + ' prohibited');
  }
  if (t == PTR_TO_STACK && op == ALU_SUB) return fail(i, R(dno) + ' subtraction from stack pointer prohibited');
  if (!saneOffset(i, K, t) || !saneOffset(i, T, t)) return false;
  if (K.isConst()) {
    const c = <i64>K.v;
    const n = op == ALU_ADD ? <i64>T.off + c : <i64>T.off - c;
    if (n >= MAX_VAR_OFF || n <= -MAX_VAR_OFF) return fail(i, typeName(t) + ' pointer offset ' + n.toString() + ' is not allowed');
    T.off = <i32>n;
  } else {
    addVar(T, K, op == ALU_SUB);
    if (isPacket(t)) {
      T.id = newId();
      T.range = 0;
    }
    if (T.smin == S64_MIN) {
      return fail(i, 'math between ' + typeName(t) + ' pointer and register with unbounded min value is not allowed');
    }
    if (T.smin <= -MAX_VAR_OFF) {
      return fail(i, 'value ' + T.smin.toString() + ' makes ' + typeName(t) + ' pointer be out of bounds');
    }
  }
  dst.copyFrom(T);
  return true;
}

/** The kernel's limits on the operands of pointer arithmetic. */
function saneOffset(i: i32, r: Reg, ptrType: u8): bool {
  if (r.type == SCALAR && r.isConst()) {
    const v = <i64>r.v;
    if (v >= MAX_VAR_OFF || v <= -MAX_VAR_OFF) {
      return fail(i, 'math between ' + typeName(ptrType) + ' pointer and ' + v.toString() + ' is not allowed');
    }
    return true;
  }
  if (r.smin == S64_MIN) {
    return fail(i, 'math between ' + typeName(ptrType) + ' pointer and register with unbounded min value is not allowed');
  }
  if (r.type != SCALAR && (r.off >= <i32>MAX_VAR_OFF || r.off <= -<i32>MAX_VAR_OFF)) {
    return fail(i, typeName(ptrType) + ' pointer offset ' + r.off.toString() + ' is not allowed');
  }
  return true;
}

/** The pointer's variable part plus (or minus) the scalar, 64-bit. */
function addVar(p: Reg, s: Reg, sub: bool): void {
  if (sub) tnumSub(p.v, p.m, s.v, s.m);
  else tnumAdd(p.v, p.m, s.v, s.m);
  const v = rv;
  const m = rm;
  const type = p.type;
  const off = p.off;
  const id = p.id;
  const map = p.map;
  const frame = p.frame;
  const refId = p.refId;
  // Reuse the scalar arithmetic for the bounds, then restore the pointer's identity.
  p.type = SCALAR;
  scalarAlu(sub ? ALU_SUB : ALU_ADD, true, p, s);
  p.v = v;
  p.m = m;
  syncBounds(p);
  if (!consistent(p)) p.setUnknownValue();
  p.type = type;
  p.off = off;
  p.id = id;
  p.map = map;
  p.frame = frame;
  p.refId = refId;
}
