// Tristate numbers: a 64-bit value where each bit is known 0, known 1 or unknown, as a pair
// (value, mask): mask bits are unknown, value holds the known ones. The arithmetic follows the
// published tnum algebra (Vishwanathan et al., "Sound, Precise, and Fast Abstract
// Interpretation with Tristate Numbers", CGO 2022). Results go to `rv`/`rm` to avoid allocating.

/** The result of the last operation. */
export let rv: u64 = 0;
export let rm: u64 = 0;

// @ts-ignore: decorator
@inline function set(v: u64, m: u64): void {
  rv = v & ~m;
  rm = m;
}

/** The tightest tnum holding every value of [min, max]. */
export function tnumRange(min: u64, max: u64): void {
  const chi = min ^ max;
  const bits = 64 - <i32>clz(chi);
  if (bits > 63) {
    set(0, u64.MAX_VALUE);
    return;
  }
  const delta: u64 = (<u64>1 << <u64>bits) - 1;
  set(min & ~delta, delta);
}

export function tnumAdd(av: u64, am: u64, bv: u64, bm: u64): void {
  const sm = am + bm;
  const sv = av + bv;
  const sigma = sm + sv;
  const chi = sigma ^ sv;
  const mu = chi | am | bm;
  set(sv, mu);
}

export function tnumSub(av: u64, am: u64, bv: u64, bm: u64): void {
  const dv = av - bv;
  const alpha = dv + am;
  const beta = dv - bm;
  const chi = alpha ^ beta;
  const mu = chi | am | bm;
  set(dv, mu);
}

export function tnumAnd(av: u64, am: u64, bv: u64, bm: u64): void {
  const alpha = av | am;
  const beta = bv | bm;
  const v = av & bv;
  set(v, alpha & beta & ~v);
}

export function tnumOr(av: u64, am: u64, bv: u64, bm: u64): void {
  const v = av | bv;
  set(v, (am | bm) & ~v);
}

export function tnumXor(av: u64, am: u64, bv: u64, bm: u64): void {
  set(av ^ bv, am | bm);
}

export function tnumLsh(av: u64, am: u64, s: u64): void {
  set(av << s, am << s);
}

export function tnumRsh(av: u64, am: u64, s: u64): void {
  set(av >> s, am >> s);
}

/** Arithmetic shift of a 64-bit tnum: unknown sign bits stay unknown. */
export function tnumArsh64(av: u64, am: u64, s: u64): void {
  set(<u64>(<i64>av >> <i64>s), <u64>(<i64>am >> <i64>s));
}

/** Arithmetic shift of the low 32 bits, the result zero-extended. */
export function tnumArsh32(av: u64, am: u64, s: u64): void {
  const v = <u64>(<u32>(<i32>(<u32>av) >> <i32>s));
  const m = <u64>(<u32>(<i32>(<u32>am) >> <i32>s));
  set(v, m);
}

/** Values both tnums allow. Callers check that they are compatible first. */
export function tnumIntersect(av: u64, am: u64, bv: u64, bm: u64): void {
  const v = av | bv;
  set(v, am & bm);
}

/** Whether every value of b is a value of a. */
export function tnumIn(av: u64, am: u64, bv: u64, bm: u64): bool {
  if (bm & ~am) return false;
  return (bv & ~am) == av;
}

/** Whether a and b share at least one value. */
export function tnumOverlap(av: u64, am: u64, bv: u64, bm: u64): bool {
  const known = ~(am | bm);
  return (av & known) == (bv & known);
}

/** Truncation to `bytes` bytes (zero-extended). */
export function tnumCast(av: u64, am: u64, bytes: i32): void {
  if (bytes >= 8) {
    set(av, am);
    return;
  }
  const keep: u64 = (<u64>1 << (<u64>bytes * 8)) - 1;
  set(av & keep, am & keep);
}

/** Whether every value is a multiple of `size` (a power of two). */
export function tnumAligned(av: u64, am: u64, size: u64): bool {
  return ((av | am) & (size - 1)) == 0;
}

/** Multiplication: known bits of the partial products, summed as tnums (the paper's tnum_mul). */
export function tnumMul(av: u64, am: u64, bv: u64, bm: u64): void {
  const accv = av * bv;
  let sv: u64 = 0;
  let sm: u64 = 0;
  let xv = av;
  let xm = am;
  let yv = bv;
  let ym = bm;
  while ((xv | xm) != 0) {
    if (xv & 1) {
      tnumAdd(sv, sm, 0, ym);
      sv = rv;
      sm = rm;
    } else if (xm & 1) {
      tnumAdd(sv, sm, 0, yv | ym);
      sv = rv;
      sm = rm;
    }
    xv >>= 1;
    xm >>= 1;
    yv <<= 1;
    ym <<= 1;
  }
  tnumAdd(accv, 0, sv, sm);
}

/** Byte swap of the low `bytes` bytes (2, 4 or 8), zero-extended: bit-exact on tnums. */
export function tnumBswap(av: u64, am: u64, bytes: i32): void {
  let v = av;
  let m = am;
  if (bytes == 2) {
    v = <u64>bswap<u16>(<u16>v);
    m = <u64>bswap<u16>(<u16>m);
  } else if (bytes == 4) {
    v = <u64>bswap<u32>(<u32>v);
    m = <u64>bswap<u32>(<u32>m);
  } else {
    v = bswap<u64>(v);
    m = bswap<u64>(m);
  }
  set(v, m);
}
