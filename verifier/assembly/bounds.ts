// Keeping a register's value facts consistent: the tnum, the signed/unsigned 64-bit bounds and
// the 32-bit bounds of the low half each tell something about the others; `syncBounds`
// tightens each from the rest. `consistent` says whether any value is left at all.

import { Reg, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './reg';
import { rm, rv, tnumIntersect, tnumOverlap, tnumRange } from './tnum';

const SIGN64: u64 = <u64>1 << 63;
const HI32: u64 = 0xffffffff00000000;

// @ts-ignore: decorator
@inline function maxU(a: u64, b: u64): u64 { return a > b ? a : b; }
// @ts-ignore: decorator
@inline function minU(a: u64, b: u64): u64 { return a < b ? a : b; }
// @ts-ignore: decorator
@inline function maxS(a: i64, b: i64): i64 { return a > b ? a : b; }
// @ts-ignore: decorator
@inline function minS(a: i64, b: i64): i64 { return a < b ? a : b; }

/** Bounds implied by the tnum, 64-bit and 32-bit. */
function fromTnum(r: Reg): void {
  r.umin = maxU(r.umin, r.v);
  r.umax = minU(r.umax, r.v | r.m);
  if ((r.m & SIGN64) == 0) {
    r.smin = maxS(r.smin, <i64>r.v);
    r.smax = minS(r.smax, <i64>(r.v | r.m));
  } else {
    r.smin = maxS(r.smin, <i64>(r.v | SIGN64));
    r.smax = minS(r.smax, <i64>((r.v | r.m) & ~SIGN64));
  }
  const v32 = <u32>r.v;
  const m32 = <u32>r.m;
  if (v32 > r.u32min) r.u32min = v32;
  if ((v32 | m32) < r.u32max) r.u32max = v32 | m32;
  let lo: i32;
  let hi: i32;
  if ((m32 & 0x80000000) == 0) {
    lo = <i32>v32;
    hi = <i32>(v32 | m32);
  } else {
    lo = <i32>(v32 | 0x80000000);
    hi = <i32>((v32 | m32) & 0x7fffffff);
  }
  if (lo > r.s32min) r.s32min = lo;
  if (hi < r.s32max) r.s32max = hi;
}

/** Signed and unsigned ranges that do not cross their wrap points describe each other. */
function crossSigns(r: Reg): void {
  if (r.smin >= 0 || r.smax < 0) {
    r.umin = maxU(r.umin, <u64>r.smin);
    r.umax = minU(r.umax, <u64>r.smax);
  }
  if ((r.umin & SIGN64) == (r.umax & SIGN64)) {
    r.smin = maxS(r.smin, <i64>r.umin);
    r.smax = minS(r.smax, <i64>r.umax);
  }
  if (r.s32min >= 0 || r.s32max < 0) {
    if (<u32>r.s32min > r.u32min) r.u32min = <u32>r.s32min;
    if (<u32>r.s32max < r.u32max) r.u32max = <u32>r.s32max;
  }
  if ((r.u32min & 0x80000000) == (r.u32max & 0x80000000)) {
    if (<i32>r.u32min > r.s32min) r.s32min = <i32>r.u32min;
    if (<i32>r.u32max < r.s32max) r.s32max = <i32>r.u32max;
  }
}

/** 64-bit ranges within one 2^32 block bound the low half; a known high half lifts the low. */
function crossWidths(r: Reg): void {
  if ((r.umin >> 32) == (r.umax >> 32)) {
    const lo = <u32>r.umin;
    const hi = <u32>r.umax;
    if (lo > r.u32min) r.u32min = lo;
    if (hi < r.u32max) r.u32max = hi;
    if (<i32>lo <= <i32>hi) {
      if (<i32>lo > r.s32min) r.s32min = <i32>lo;
      if (<i32>hi < r.s32max) r.s32max = <i32>hi;
    }
  }
  if ((r.smin >> 32) == (r.smax >> 32)) {
    const lo = <u32>r.smin;
    const hi = <u32>r.smax;
    if (lo > r.u32min) r.u32min = lo;
    if (hi < r.u32max) r.u32max = hi;
    if (<i32>lo <= <i32>hi) {
      if (<i32>lo > r.s32min) r.s32min = <i32>lo;
      if (<i32>hi < r.s32max) r.s32max = <i32>hi;
    }
  }
  // A 64-bit signed range inside the s32 range is a sign-extended low half (a BPF_MEMSX load, a
  // movsx): its 32-bit signed bounds are its 64-bit ones, as the kernel deduces since 6.8.
  if (r.smin >= <i64>S32_MIN && r.smax <= <i64>S32_MAX) {
    r.smin = maxS(r.smin, <i64>r.s32min);
    r.smax = minS(r.smax, <i64>r.s32max);
  }
  if ((r.m & HI32) == 0) {
    const hiBits = r.v & HI32;
    const lo = hiBits | <u64>r.u32min;
    const hi = hiBits | <u64>r.u32max;
    r.umin = maxU(r.umin, lo);
    r.umax = minU(r.umax, hi);
    r.smin = maxS(r.smin, <i64>lo);
    r.smax = minS(r.smax, <i64>hi);
  }
}

/** The tnum narrowed by the ranges (when they overlap at all). */
function toTnum(r: Reg): void {
  if (r.umin <= r.umax) {
    tnumRange(r.umin, r.umax);
    if (tnumOverlap(r.v, r.m, rv, rm)) {
      tnumIntersect(r.v, r.m, rv, rm);
      r.v = rv;
      r.m = rm;
    }
  }
  if (r.u32min <= r.u32max) {
    tnumRange(<u64>r.u32min, <u64>r.u32max);
    const lv = rv;
    const lm = rm | HI32;
    if (tnumOverlap(r.v, r.m, lv, lm)) {
      tnumIntersect(r.v, r.m, lv, lm);
      r.v = rv;
      r.m = rm;
    }
  }
}

/** Tightens every fact from the others. */
export function syncBounds(r: Reg): void {
  fromTnum(r);
  crossSigns(r);
  crossWidths(r);
  crossSigns(r);
  toTnum(r);
  fromTnum(r);
  crossSigns(r);
  crossWidths(r);
}

/** Whether some value satisfies every fact (false: the path that produced it is impossible). */
export function consistent(r: Reg): bool {
  return r.umin <= r.umax && r.smin <= r.smax && r.u32min <= r.u32max && r.s32min <= r.s32max;
}

/** The value part as 32 bits zero-extended: what a 32-bit ALU result becomes. */
export function zext32(r: Reg): void {
  r.v = <u64>(<u32>r.v);
  r.m = <u64>(<u32>r.m);
  r.umin = <u64>r.u32min;
  r.umax = <u64>r.u32max;
  r.smin = <i64>r.u32min;
  r.smax = <i64>r.u32max;
  syncBounds(r);
}

/** Truncates the value to `bytes` bytes, zero-extended (a narrow load or a le16/le32). */
export function truncateTo(r: Reg, bytes: i32): void {
  if (bytes >= 8) return;
  if (bytes == 4) {
    zext32(r);
    return;
  }
  const keep: u64 = (<u64>1 << (<u64>bytes * 8)) - 1;
  const fits = r.umax <= keep;
  const lo = r.umin;
  const hi = r.umax;
  r.v &= keep;
  r.m &= keep;
  r.setFullBounds();
  r.umax = keep;
  if (fits) {
    r.umin = lo;
    r.umax = hi;
  }
  syncBounds(r);
}

/** Whether every value `cur` may hold is one `old` may hold (for state pruning). */
export function rangeWithin(old: Reg, cur: Reg): bool {
  return (
    old.umin <= cur.umin && cur.umax <= old.umax &&
    old.smin <= cur.smin && cur.smax <= old.smax &&
    old.u32min <= cur.u32min && cur.u32max <= old.u32max &&
    old.s32min <= cur.s32min && cur.s32max <= old.s32max
  );
}

export function isUnbounded(r: Reg): bool {
  return r.m == U64_MAX && r.smin == S64_MIN && r.smax == S64_MAX && r.umin == 0 && r.umax == U64_MAX &&
    r.s32min == S32_MIN && r.s32max == S32_MAX && r.u32min == 0 && r.u32max == U32_MAX;
}
