// Conditional jumps on scalars: deciding a branch from the bounds when they settle it, and
// narrowing both operands' bounds on each side of a branch that they do not.

import { consistent, syncBounds } from './bounds';
import {
  JMP_JEQ, JMP_JGE, JMP_JGT, JMP_JLE, JMP_JLT, JMP_JNE, JMP_JSET, JMP_JSGE, JMP_JSGT, JMP_JSLE, JMP_JSLT,
} from './opcode';
import { Reg, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './reg';
import { rm, rv, tnumIntersect, tnumOverlap } from './tnum';

/** "a & b == 0": the false side of JSET, as an operation of its own. */
export const JSET_NOT: u8 = 0xe0;

/** The relation that holds on the fall-through side when `op` is the jump's condition. */
export function negate(op: u8): u8 {
  switch (op) {
    case JMP_JEQ: return JMP_JNE;
    case JMP_JNE: return JMP_JEQ;
    case JMP_JGT: return JMP_JLE;
    case JMP_JLE: return JMP_JGT;
    case JMP_JGE: return JMP_JLT;
    case JMP_JLT: return JMP_JGE;
    case JMP_JSGT: return JMP_JSLE;
    case JMP_JSLE: return JMP_JSGT;
    case JMP_JSGE: return JMP_JSLT;
    case JMP_JSLT: return JMP_JSGE;
    case JMP_JSET: return JSET_NOT;
  }
  return JMP_JSET;
}

/** 1: always taken, 0: never, -1: either, for "a op b" on 64-bit values. */
export function taken64(a: Reg, b: Reg, op: u8): i32 {
  switch (op) {
    case JMP_JEQ:
      if (a.m == 0 && b.m == 0) return a.v == b.v ? 1 : 0;
      if (a.umin > b.umax || a.umax < b.umin || a.smin > b.smax || a.smax < b.smin) return 0;
      if (!tnumOverlap(a.v, a.m, b.v, b.m)) return 0;
      return -1;
    case JMP_JNE: {
      const t = taken64(a, b, JMP_JEQ);
      return t < 0 ? t : 1 - t;
    }
    case JMP_JGT: return a.umin > b.umax ? 1 : a.umax <= b.umin ? 0 : -1;
    case JMP_JGE: return a.umin >= b.umax ? 1 : a.umax < b.umin ? 0 : -1;
    case JMP_JLT: return a.umax < b.umin ? 1 : a.umin >= b.umax ? 0 : -1;
    case JMP_JLE: return a.umax <= b.umin ? 1 : a.umin > b.umax ? 0 : -1;
    case JMP_JSGT: return a.smin > b.smax ? 1 : a.smax <= b.smin ? 0 : -1;
    case JMP_JSGE: return a.smin >= b.smax ? 1 : a.smax < b.smin ? 0 : -1;
    case JMP_JSLT: return a.smax < b.smin ? 1 : a.smin >= b.smax ? 0 : -1;
    case JMP_JSLE: return a.smax <= b.smin ? 1 : a.smin > b.smax ? 0 : -1;
    case JMP_JSET:
      if ((a.v & b.v) != 0) return 1;
      if (((a.v | a.m) & (b.v | b.m)) == 0) return 0;
      return -1;
  }
  return -1;
}

/** Like taken64 on the low 32 bits (JMP32). */
export function taken32(a: Reg, b: Reg, op: u8): i32 {
  const av = <u32>a.v;
  const am = <u32>a.m;
  const bv = <u32>b.v;
  const bm = <u32>b.m;
  switch (op) {
    case JMP_JEQ:
      if (am == 0 && bm == 0) return av == bv ? 1 : 0;
      if (a.u32min > b.u32max || a.u32max < b.u32min || a.s32min > b.s32max || a.s32max < b.s32min) return 0;
      if (((av ^ bv) & ~(am | bm)) != 0) return 0;
      return -1;
    case JMP_JNE: {
      const t = taken32(a, b, JMP_JEQ);
      return t < 0 ? t : 1 - t;
    }
    case JMP_JGT: return a.u32min > b.u32max ? 1 : a.u32max <= b.u32min ? 0 : -1;
    case JMP_JGE: return a.u32min >= b.u32max ? 1 : a.u32max < b.u32min ? 0 : -1;
    case JMP_JLT: return a.u32max < b.u32min ? 1 : a.u32min >= b.u32max ? 0 : -1;
    case JMP_JLE: return a.u32max <= b.u32min ? 1 : a.u32min > b.u32max ? 0 : -1;
    case JMP_JSGT: return a.s32min > b.s32max ? 1 : a.s32max <= b.s32min ? 0 : -1;
    case JMP_JSGE: return a.s32min >= b.s32max ? 1 : a.s32max < b.s32min ? 0 : -1;
    case JMP_JSLT: return a.s32max < b.s32min ? 1 : a.s32min >= b.s32max ? 0 : -1;
    case JMP_JSLE: return a.s32max <= b.s32min ? 1 : a.s32min > b.s32max ? 0 : -1;
    case JMP_JSET:
      if ((av & bv) != 0) return 1;
      if (((av | am) & (bv | bm)) == 0) return 0;
      return -1;
  }
  return -1;
}

// @ts-ignore: decorator
@inline function maxU(x: u64, y: u64): u64 { return x > y ? x : y; }
// @ts-ignore: decorator
@inline function minU(x: u64, y: u64): u64 { return x < y ? x : y; }
// @ts-ignore: decorator
@inline function maxS(x: i64, y: i64): i64 { return x > y ? x : y; }
// @ts-ignore: decorator
@inline function minS(x: i64, y: i64): i64 { return x < y ? x : y; }

/** Narrows a and b given that "a op b" holds on 64-bit values. */
export function refine64(a: Reg, b: Reg, op: u8): void {
  switch (op) {
    case JMP_JEQ: {
      const umin = maxU(a.umin, b.umin);
      const umax = minU(a.umax, b.umax);
      const smin = maxS(a.smin, b.smin);
      const smax = minS(a.smax, b.smax);
      a.umin = b.umin = umin;
      a.umax = b.umax = umax;
      a.smin = b.smin = smin;
      a.smax = b.smax = smax;
      if (tnumOverlap(a.v, a.m, b.v, b.m)) {
        tnumIntersect(a.v, a.m, b.v, b.m);
        a.v = b.v = rv;
        a.m = b.m = rm;
      }
      break;
    }
    case JMP_JNE:
      if (b.m == 0) excludeEnds64(a, b.v);
      else if (a.m == 0) excludeEnds64(b, a.v);
      break;
    case JMP_JGT:
      if (b.umin != U64_MAX) a.umin = maxU(a.umin, b.umin + 1);
      if (a.umax != 0) b.umax = minU(b.umax, a.umax - 1);
      break;
    case JMP_JGE:
      a.umin = maxU(a.umin, b.umin);
      b.umax = minU(b.umax, a.umax);
      break;
    case JMP_JLT:
      if (b.umax != 0) a.umax = minU(a.umax, b.umax - 1);
      if (a.umin != U64_MAX) b.umin = maxU(b.umin, a.umin + 1);
      break;
    case JMP_JLE:
      a.umax = minU(a.umax, b.umax);
      b.umin = maxU(b.umin, a.umin);
      break;
    case JMP_JSGT:
      if (b.smin != S64_MAX) a.smin = maxS(a.smin, b.smin + 1);
      if (a.smax != S64_MIN) b.smax = minS(b.smax, a.smax - 1);
      break;
    case JMP_JSGE:
      a.smin = maxS(a.smin, b.smin);
      b.smax = minS(b.smax, a.smax);
      break;
    case JMP_JSLT:
      if (b.smax != S64_MIN) a.smax = minS(a.smax, b.smax - 1);
      if (a.smin != S64_MAX) b.smin = maxS(b.smin, a.smin + 1);
      break;
    case JMP_JSLE:
      a.smax = minS(a.smax, b.smax);
      b.smin = maxS(b.smin, a.smin);
      break;
    case JMP_JSET:
      // A single known bit must be set.
      if (b.m == 0 && b.v != 0 && (b.v & (b.v - 1)) == 0) setKnownBits(a, b.v, b.v);
      break;
    case JSET_NOT:
      if (b.m == 0) setKnownBits(a, b.v, 0);
      break;
  }
}

/** Narrows a and b given that "a op b" holds on their low 32 bits. */
export function refine32(a: Reg, b: Reg, op: u8): void {
  switch (op) {
    case JMP_JEQ: {
      const umin = a.u32min > b.u32min ? a.u32min : b.u32min;
      const umax = a.u32max < b.u32max ? a.u32max : b.u32max;
      const smin = a.s32min > b.s32min ? a.s32min : b.s32min;
      const smax = a.s32max < b.s32max ? a.s32max : b.s32max;
      a.u32min = b.u32min = umin;
      a.u32max = b.u32max = umax;
      a.s32min = b.s32min = smin;
      a.s32max = b.s32max = smax;
      const lo: u64 = 0xffffffff;
      const av = a.v & lo;
      const am = a.m & lo;
      const bv = b.v & lo;
      const bm = b.m & lo;
      if (((av ^ bv) & ~(am | bm)) == 0) {
        const v = av | bv;
        const m = am & bm;
        a.v = (a.v & ~lo) | (v & ~m);
        a.m = (a.m & ~lo) | m;
        b.v = (b.v & ~lo) | (v & ~m);
        b.m = (b.m & ~lo) | m;
      }
      break;
    }
    case JMP_JNE:
      if ((<u32>b.m) == 0) excludeEnds32(a, <u32>b.v);
      else if ((<u32>a.m) == 0) excludeEnds32(b, <u32>a.v);
      break;
    case JMP_JGT:
      if (b.u32min != U32_MAX && b.u32min + 1 > a.u32min) a.u32min = b.u32min + 1;
      if (a.u32max != 0 && a.u32max - 1 < b.u32max) b.u32max = a.u32max - 1;
      break;
    case JMP_JGE:
      if (b.u32min > a.u32min) a.u32min = b.u32min;
      if (a.u32max < b.u32max) b.u32max = a.u32max;
      break;
    case JMP_JLT:
      if (b.u32max != 0 && b.u32max - 1 < a.u32max) a.u32max = b.u32max - 1;
      if (a.u32min != U32_MAX && a.u32min + 1 > b.u32min) b.u32min = a.u32min + 1;
      break;
    case JMP_JLE:
      if (b.u32max < a.u32max) a.u32max = b.u32max;
      if (a.u32min > b.u32min) b.u32min = a.u32min;
      break;
    case JMP_JSGT:
      if (b.s32min != S32_MAX && b.s32min + 1 > a.s32min) a.s32min = b.s32min + 1;
      if (a.s32max != S32_MIN && a.s32max - 1 < b.s32max) b.s32max = a.s32max - 1;
      break;
    case JMP_JSGE:
      if (b.s32min > a.s32min) a.s32min = b.s32min;
      if (a.s32max < b.s32max) b.s32max = a.s32max;
      break;
    case JMP_JSLT:
      if (b.s32max != S32_MIN && b.s32max - 1 < a.s32max) a.s32max = b.s32max - 1;
      if (a.s32min != S32_MAX && a.s32min + 1 > b.s32min) b.s32min = a.s32min + 1;
      break;
    case JMP_JSLE:
      if (b.s32max < a.s32max) a.s32max = b.s32max;
      if (a.s32min > b.s32min) b.s32min = a.s32min;
      break;
    case JMP_JSET: {
      const c = <u32>b.v;
      if ((<u32>b.m) == 0 && c != 0 && (c & (c - 1)) == 0) setKnownBits(a, <u64>c, <u64>c);
      break;
    }
    case JSET_NOT:
      if ((<u32>b.m) == 0) setKnownBits(a, <u64>(<u32>b.v), 0);
      break;
  }
}

/**
 * The bits `bits` of r become known, with the values in `values`. The ranges learnt before are
 * dropped and rebuilt from the tnum alone: that is what this kernel does on a bit test
 * (observed: `if r >= 44` then `if r & 39` loses the 44), and knowing more would be unsound.
 */
function setKnownBits(r: Reg, bits: u64, values: u64): void {
  const v = (r.v & ~bits) | (values & bits);
  const m = r.m & ~bits;
  if (((r.v ^ values) & bits & ~r.m) != 0) return; // contradiction: leave for the caller's check
  r.v = v & ~m;
  r.m = m;
  r.setFullBounds();
}

function excludeEnds64(r: Reg, c: u64): void {
  if (r.umin == c && r.umin != r.umax) r.umin++;
  if (r.umax == c && r.umin != r.umax) r.umax--;
  if (r.smin == <i64>c && r.smin != r.smax) r.smin++;
  if (r.smax == <i64>c && r.smin != r.smax) r.smax--;
}

function excludeEnds32(r: Reg, c: u32): void {
  if (r.u32min == c && r.u32min != r.u32max) r.u32min++;
  if (r.u32max == c && r.u32min != r.u32max) r.u32max--;
  if (r.s32min == <i32>c && r.s32min != r.s32max) r.s32min++;
  if (r.s32max == <i32>c && r.s32min != r.s32max) r.s32max--;
}

/**
 * Applies "a op b" (64-bit or 32-bit) to both operands and tightens them. A result with no
 * value left makes the operand unknown rather than cutting the path: the kernel walks such
 * paths unless it decided the branch, and we must not be more selective than it is.
 */
export function refineScalars(a: Reg, b: Reg, op: u8, is32: bool): void {
  if (is32) refine32(a, b, op);
  else refine64(a, b, op);
  syncBounds(a);
  syncBounds(b);
  if (!consistent(a)) a.setUnknownValue();
  if (!consistent(b)) b.setUnknownValue();
}
