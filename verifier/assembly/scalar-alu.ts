// Arithmetic on scalar values: each operation's effect on the tnum and on the signed and
// unsigned bounds, for 64-bit instructions and for 32-bit ones (whose result is zero-extended).
// Where an operation's bounds are not modelled the result is unknown: imprecise, never unsound.

import { ALU_ADD, ALU_AND, ALU_ARSH, ALU_LSH, ALU_MOV, ALU_MUL, ALU_OR, ALU_RSH, ALU_SUB, ALU_XOR } from './opcode';
import { Reg, S32_MAX, S32_MIN, SCALAR } from './reg';
import { rm, rv, tnumAdd, tnumAnd, tnumArsh64, tnumLsh, tnumMul, tnumOr, tnumRsh, tnumSub, tnumXor, tnumIntersect, tnumOverlap } from './tnum';
import { syncBounds, zext32 } from './bounds';

const HI32: u64 = 0xffffffff00000000;

// Scratch values: operands and results as 64-bit views (made by initScalarAlu after each heap
// reset, see index.ts).
let A: Reg = changetype<Reg>(0);
let B: Reg = changetype<Reg>(0);
let R: Reg = changetype<Reg>(0);
let AU: Reg = changetype<Reg>(0);
let BU: Reg = changetype<Reg>(0);
let RU: Reg = changetype<Reg>(0);
let AS: Reg = changetype<Reg>(0);
let BS: Reg = changetype<Reg>(0);
let RS: Reg = changetype<Reg>(0);
let LOW: Reg = changetype<Reg>(0);

export function initScalarAlu(): void {
  A = new Reg();
  B = new Reg();
  R = new Reg();
  AU = new Reg();
  BU = new Reg();
  RU = new Reg();
  AS = new Reg();
  BS = new Reg();
  RS = new Reg();
  LOW = new Reg();
}

function copyValue(to: Reg, from: Reg): void {
  to.v = from.v;
  to.m = from.m;
  to.smin = from.smin;
  to.smax = from.smax;
  to.umin = from.umin;
  to.umax = from.umax;
  to.s32min = from.s32min;
  to.s32max = from.s32max;
  to.u32min = from.u32min;
  to.u32max = from.u32max;
}

/** The low half as a 64-bit value, zero-extended. */
function zextView(to: Reg, from: Reg): void {
  to.v = <u64>(<u32>from.v);
  to.m = <u64>(<u32>from.m);
  to.setFullBounds();
  to.umin = <u64>from.u32min;
  to.umax = <u64>from.u32max;
  syncBounds(to);
}

/** The low half as a 64-bit value, sign-extended. */
function sextView(to: Reg, from: Reg): void {
  const v32 = <u32>from.v;
  const m32 = <u32>from.m;
  if ((m32 & 0x80000000) == 0) {
    to.v = <u64>(<i64>(<i32>v32));
    to.m = <u64>m32;
  } else {
    to.v = <u64>v32;
    to.m = <u64>m32 | HI32;
  }
  to.setFullBounds();
  to.smin = <i64>from.s32min;
  to.smax = <i64>from.s32max;
  syncBounds(to);
}

function addOverflows(a: i64, b: i64): bool {
  const s = a + b;
  return (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0);
}

function subOverflows(a: i64, b: i64): bool {
  const d = a - b;
  return (a >= 0 && b < 0 && d < 0) || (a < 0 && b > 0 && d >= 0);
}

function setTnum(r: Reg): void {
  r.v = rv;
  r.m = rm;
  r.setFullBounds();
}

/** r = a op b on 64-bit values; returns false when the operation is not modelled. */
function op64(op: u8, a: Reg, b: Reg, r: Reg): bool {
  switch (op) {
    case ALU_ADD: {
      tnumAdd(a.v, a.m, b.v, b.m);
      setTnum(r);
      if (!addOverflows(a.smin, b.smin) && !addOverflows(a.smax, b.smax)) {
        r.smin = a.smin + b.smin;
        r.smax = a.smax + b.smax;
      }
      const hi = a.umax + b.umax;
      if (hi >= a.umax) {
        r.umin = a.umin + b.umin;
        r.umax = hi;
      }
      break;
    }
    case ALU_SUB: {
      tnumSub(a.v, a.m, b.v, b.m);
      setTnum(r);
      if (!subOverflows(a.smin, b.smax) && !subOverflows(a.smax, b.smin)) {
        r.smin = a.smin - b.smax;
        r.smax = a.smax - b.smin;
      }
      if (a.umin >= b.umax) {
        r.umin = a.umin - b.umax;
        r.umax = a.umax - b.umin;
      }
      break;
    }
    case ALU_MUL: {
      tnumMul(a.v, a.m, b.v, b.m);
      setTnum(r);
      if (a.umax <= 0xffffffff && b.umax <= 0xffffffff) {
        r.umin = a.umin * b.umin;
        r.umax = a.umax * b.umax;
      }
      break;
    }
    case ALU_AND: {
      tnumAnd(a.v, a.m, b.v, b.m);
      setTnum(r);
      r.umax = a.umax < b.umax ? a.umax : b.umax;
      break;
    }
    case ALU_OR: {
      tnumOr(a.v, a.m, b.v, b.m);
      setTnum(r);
      r.umin = a.umin > b.umin ? a.umin : b.umin;
      break;
    }
    case ALU_XOR: {
      tnumXor(a.v, a.m, b.v, b.m);
      setTnum(r);
      break;
    }
    case ALU_LSH: {
      if (!b.isConst() || b.v > 63) return false;
      const s = b.v;
      tnumLsh(a.v, a.m, s);
      setTnum(r);
      if (s == 0 || a.umax <= (u64.MAX_VALUE >> s)) {
        r.umin = a.umin << s;
        r.umax = a.umax << s;
      }
      break;
    }
    case ALU_RSH: {
      if (!b.isConst() || b.v > 63) return false;
      const s = b.v;
      tnumRsh(a.v, a.m, s);
      setTnum(r);
      r.umin = a.umin >> s;
      r.umax = a.umax >> s;
      break;
    }
    case ALU_ARSH: {
      if (!b.isConst() || b.v > 63) return false;
      const s = b.v;
      tnumArsh64(a.v, a.m, s);
      setTnum(r);
      r.smin = a.smin >> <i64>s;
      r.smax = a.smax >> <i64>s;
      break;
    }
    case ALU_MOV: {
      copyValue(r, b);
      return true;
    }
    default:
      return false;
  }
  syncBounds(r);
  return true;
}

/** Operations whose low 32 result bits depend only on the operands' low 32 bits. */
function lowBitsOnly(op: u8): bool {
  return op == ALU_ADD || op == ALU_SUB || op == ALU_MUL || op == ALU_AND || op == ALU_OR ||
    op == ALU_XOR || op == ALU_LSH || op == ALU_MOV;
}

/**
 * The 32-bit result of `op` on the low halves of a and b, into out's tnum low half and its
 * 32-bit bounds (64-bit facts of `out` are left for the caller). False: not modelled.
 */
function op32(op: u8, a: Reg, b: Reg, out: Reg): bool {
  if ((op == ALU_LSH || op == ALU_RSH || op == ALU_ARSH) && ((<u32>b.m) != 0 || (<u32>b.v) > 31)) return false;
  zextView(AU, a);
  zextView(BU, b);
  sextView(AS, a);
  sextView(BS, b);
  if (op == ALU_ARSH) {
    // An arithmetic shift of the low half shifts in its bit 31: the sign-extended view.
    if (!op64(op, AS, BS, RS)) return false;
    out.v = <u64>(<u32>RS.v);
    out.m = <u64>(<u32>RS.m);
    out.u32min = 0;
    out.u32max = 0xffffffff;
    out.s32min = S32_MIN;
    out.s32max = S32_MAX;
    if (RS.smin >= <i64>S32_MIN && RS.smax <= <i64>S32_MAX) {
      out.s32min = <i32>RS.smin;
      out.s32max = <i32>RS.smax;
    }
    return true;
  }
  if (!op64(op, AU, BU, RU)) return false;
  out.v = <u64>(<u32>RU.v);
  out.m = <u64>(<u32>RU.m);
  out.u32min = 0;
  out.u32max = 0xffffffff;
  out.s32min = S32_MIN;
  out.s32max = S32_MAX;
  if ((RU.umin >> 32) == (RU.umax >> 32)) {
    out.u32min = <u32>RU.umin;
    out.u32max = <u32>RU.umax;
  }
  if (op != ALU_RSH && op64(op, AS, BS, RS)) {
    if (RS.smin >= <i64>S32_MIN && RS.smax <= <i64>S32_MAX) {
      out.s32min = <i32>RS.smin;
      out.s32max = <i32>RS.smax;
    }
  }
  return true;
}

/**
 * dst = dst op src for scalars (src is a register or an immediate loaded into a Reg by the
 * caller, sign-extended for 64-bit instructions). `is64` picks ALU64 or 32-bit ALU semantics.
 */
export function scalarAlu(op: u8, is64: bool, dst: Reg, src: Reg): void {
  copyValue(A, dst);
  copyValue(B, src);
  dst.type = SCALAR;
  dst.clearPointer();
  if (is64) {
    if (!op64(op, A, B, R)) {
      dst.setUnknownValue();
      return;
    }
    copyValue(dst, R);
    if (lowBitsOnly(op) && op32(op, A, B, LOW)) {
      if (LOW.u32min > dst.u32min) dst.u32min = LOW.u32min;
      if (LOW.u32max < dst.u32max) dst.u32max = LOW.u32max;
      if (LOW.s32min > dst.s32min) dst.s32min = LOW.s32min;
      if (LOW.s32max < dst.s32max) dst.s32max = LOW.s32max;
      const lv = LOW.v;
      const lm = LOW.m | HI32;
      if (tnumOverlap(dst.v, dst.m, lv, lm)) {
        tnumIntersect(dst.v, dst.m, lv, lm);
        dst.v = rv;
        dst.m = rm;
      }
    }
    syncBounds(dst);
    return;
  }
  if (!op32(op, A, B, LOW)) {
    // Not zero-extended: for 32-bit divisions, modulos and shifts by a register this kernel
    // forgets the upper half too (observed), and knowing it would be more than it knows.
    dst.setUnknownValue();
    return;
  }
  dst.v = LOW.v;
  dst.m = LOW.m;
  dst.u32min = LOW.u32min;
  dst.u32max = LOW.u32max;
  dst.s32min = LOW.s32min;
  dst.s32max = LOW.s32max;
  zext32(dst);
}
