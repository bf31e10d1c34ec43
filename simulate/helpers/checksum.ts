// bpf_l3_csum_replace, bpf_l4_csum_replace and bpf_csum_diff, with the kernel's documented
// arithmetic (ones'-complement sums, 16-bit folding; the 2-byte L3 form in 16-bit arithmetic as
// csum_replace2 does it) on the skb of a test run, whose checksum state is CHECKSUM_NONE. Values
// are the bytes as they sit in memory read little-endian, as the kernel reads them on x86.

import { errno } from '../maps/map.ts';
import type { SimEnv } from '../env.ts';
import { u32, type Helper } from './helper.ts';

const BPF_F_HDR_FIELD_MASK = 0xf;
const BPF_F_PSEUDO_HDR = 0x10;
const BPF_F_MARK_MANGLED_0 = 0x20;
const BPF_F_MARK_ENFORCE = 0x40;
const BPF_F_IPV6 = 0x80;

/** 32-bit ones'-complement addition (end-around carry). */
export function csumAdd(a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0);
  return s > 0xffffffff ? s - 0xffffffff : s;
}

/** csum_fold: the 32-bit sum folded to 16 bits and inverted. */
export function csumFold(sum: number): number {
  let s = (sum & 0xffff) + (sum >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** 16-bit ones'-complement addition, as csum16_add. */
const add16 = (a: number, b: number): number => {
  const s = a + b;
  return (s & 0xffff) + (s >>> 16);
};

/** The new checksum after a 4-byte (or zero-extended 2-byte) field went from `from` to `to`. */
export function replace4(sum: number, from: number, to: number): number {
  return csumFold(csumAdd(csumAdd(~sum & 0xffff | 0xffff0000, ~from >>> 0), to >>> 0));
}

/** The checksum with a precomputed 32-bit difference (csum_diff's result) folded in. */
export function replaceByDiff(sum: number, diff: number): number {
  return csumFold(csumAdd(diff >>> 0, ~sum & 0xffff | 0xffff0000));
}

/** csum_replace2: 16-bit arithmetic throughout. */
export function replace2(sum: number, from: number, to: number): number {
  return ~add16(add16(~sum & 0xffff, ~from & 0xffff), to & 0xffff) & 0xffff;
}

/** Where the 2-byte checksum field is, or a negative errno (the kernel's order of checks). */
function checksumField(env: SimEnv, offset: number): number {
  if (offset > 0xffff || (offset & 1) !== 0) return -errno.EFAULT;
  if (offset + 2 > env.run.dataEnd - env.run.data) return -errno.EFAULT;
  return env.run.data + offset;
}

export const l3CsumReplace: Helper = (env, _skb, offset, from, to, flags) => {
  if (flags & ~BPF_F_HDR_FIELD_MASK) return -errno.EINVAL;
  const at = checksumField(env, u32(offset));
  if (at < 0) return at;
  const dv = env.mem.dv;
  const sum = dv.getUint16(at, true);
  switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0: dv.setUint16(at, replaceByDiff(sum, u32(to)), true); break;
    case 2: dv.setUint16(at, replace2(sum, from & 0xffff, to & 0xffff), true); break;
    case 4: dv.setUint16(at, replace4(sum, u32(from), u32(to)), true); break;
    default: return -errno.EINVAL;
  }
  return 0;
};

export const l4CsumReplace: Helper = (env, _skb, offset, from, to, flags) => {
  if (flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) return -errno.EINVAL;
  const at = checksumField(env, u32(offset));
  if (at < 0) return at;
  const dv = env.mem.dv;
  const sum = dv.getUint16(at, true);
  const mangled0 = (flags & BPF_F_MARK_MANGLED_0) !== 0;
  if (mangled0 && (flags & BPF_F_MARK_ENFORCE) === 0 && sum === 0) return 0;
  let next: number;
  switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0: next = replaceByDiff(sum, u32(to)); break;
    case 2: next = replace4(sum, from & 0xffff, to & 0xffff); break;
    case 4: next = replace4(sum, u32(from), u32(to)); break;
    default: return -errno.EINVAL;
  }
  if (mangled0 && next === 0) next = 0xffff;
  dv.setUint16(at, next, true);
  return 0;
};

/** bpf_csum_diff: the sum of `to`'s words and the complements of `from`'s, onto `seed`. */
export const csumDiff: Helper = (env, from, fromSize, to, toSize, seed) => {
  const fs = u32(fromSize);
  const ts = u32(toSize);
  if (((fs | ts) & 3) !== 0 || fs + ts > 512) return -errno.EINVAL;
  const dv = env.mem.dv;
  let sum = u32(seed);
  for (let i = 0; i < fs; i += 4) sum = csumAdd(sum, ~dv.getUint32(from + i, true) >>> 0);
  for (let i = 0; i < ts; i += 4) sum = csumAdd(sum, dv.getUint32(to + i, true));
  return sum;
};

