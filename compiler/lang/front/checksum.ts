// Checksum updates. csumReplace() is RFC 1624's incremental update, HC' = ~(~HC + ~m + m'),
// in registers: ones'-complement sums are byte-order neutral, so the network-order values work
// as loaded. ctx.l3/l4CsumReplace use the kernel's helpers on tc (they also fix skb->csum) and
// the same arithmetic on the packet itself on XDP.

import type { Node } from 'ts-morph';
import { codes } from '../codes.ts';
import { reg } from './arith.ts';
import type { VReg } from '../ir/ir.ts';
import type { Lowerer } from './lowerer.ts';
import { header } from './packet.ts';
import { ints } from './types.ts';
import type { Scalar, Val } from './values.ts';

const BPF_F_MARK_MANGLED_0 = 0x20n;
const EFAULT = 14n;

/** The updated checksum, raw (network order) in a register; `bits` is the changed field's width. */
export function emitCsumReplace(lx: Lowerer, check: VReg, from: VReg, to: VReg, bits: 16 | 32): VReg {
  const b = lx.b;
  const notCheck = b.alu('xor', check, { imm: 0xffffn }, 32);
  const notFrom = b.alu('xor', from, { imm: bits === 16 ? 0xffffn : 0xffffffffn }, 32);
  let sum = b.alu('add', notCheck, notFrom, 64);
  sum = b.alu('add', sum, to, 64);
  // Three folds bring a sum below 2^34 into 16 bits (the last carry included).
  for (let i = 0; i < 3; i++) {
    const hi = b.alu('rsh', sum, { imm: 16n }, 64);
    const lo = b.alu('and', sum, { imm: 0xffffn }, 32);
    sum = b.alu('add', lo, hi, 64);
  }
  return b.alu('xor', sum, { imm: 0xffffn }, 32);
}

/** csumReplace(check, from, to): pure, the same on every program type. */
export function csumReplace(lx: Lowerer, check: Scalar, from: Scalar, to: Scalar, node: Node): Val | undefined {
  const bits = widthOfBe(from);
  if (!isBe(check, 16) || !bits || widthOfBe(to) !== bits) {
    lx.report(codes.SY3062, 'csumReplace(check: be16, from, to): from and to are both be16 or both be32', node);
    return undefined;
  }
  const v = emitCsumReplace(lx, reg(lx, check), reg(lx, from), reg(lx, to), bits);
  return { k: 'reg', type: ints.be16, v, dirty: false };
}

/**
 * ctx.l3CsumReplace / ctx.l4CsumReplace. tc: the helper (which moves packet data as far as the
 * verifier knows). XDP: load, update and store the checksum at `offset` after a bounds check.
 */
export function ctxCsumReplace(
  lx: Lowerer,
  layer: 3 | 4,
  ctx: VReg,
  off: Scalar,
  from: Scalar,
  to: Scalar,
  flags: Scalar,
  node: Node,
): Val | undefined {
  if (flags.k !== 'const') {
    lx.report(codes.SY3046, 'the checksum flags must be a compile-time constant', node);
    return undefined;
  }
  const size = Number(flags.value & 0xfn);
  const bits = widthOfBe(from);
  if ((size !== 2 && size !== 4) || !bits || bits / 8 !== size || widthOfBe(to) !== bits) {
    lx.report(codes.SY3062, `the field size in the flags (${size}) must match from and to (be16: 2, be32: 4)`, node);
    return undefined;
  }
  if (layer === 3 && flags.value & ~0xfn) {
    lx.report(codes.SY3062, 'l3CsumReplace takes only the field size as flags', node);
    return undefined;
  }
  if (lx.ctxKind === 'skb') {
    const name = layer === 3 ? 'bpf_l3_csum_replace' : 'bpf_l4_csum_replace';
    const dst = lx.b.vreg();
    const offReg = off.k === 'const' ? { imm: off.value } : reg(lx, off);
    lx.b.emit({
      op: 'call', helper: layer === 3 ? 10 : 11, name, args: [ctx, offReg, reg(lx, from), reg(lx, to), { imm: flags.value }],
      argCount: 0, dst, movesPacket: true,
    });
    lx.reloadPacket();
    return { k: 'reg', type: ints.i64, v: dst, dirty: false };
  }
  // XDP: no skb->csum to keep in step (BPF_F_PSEUDO_HDR changes nothing in the packet bytes).
  const field = header(lx, off, { kind: 'array', elem: ints.be16, length: 1 }, node);
  if (!field || field.k !== 'ref') return undefined;
  const result = lx.b.vreg();
  const ok = lx.b.newBlock();
  const fail = lx.b.newBlock();
  const done = lx.b.newBlock();
  const p = (field.ref.base as { v: VReg }).v;
  lx.b.branch('ne', p, { imm: 0n }, 64, ok, fail);
  lx.b.setBlock(fail);
  lx.b.emit({ op: 'mov', dst: result, src: { imm: -EFAULT }, w: 64 });
  lx.b.terminate({ op: 'jmp', target: done.id });
  lx.b.setBlock(ok);
  lx.b.emit({ op: 'mov', dst: result, src: { imm: 0n }, w: 64 });
  const check = lx.b.load({ base: p, off: 0 }, 2);
  const mangled = (flags.value & BPF_F_MARK_MANGLED_0) !== 0n;
  const write = lx.b.newBlock();
  if (mangled) {
    // UDP: a zero checksum means "none" and stays zero.
    lx.b.branch('eq', check, { imm: 0n }, 32, done, write);
  } else {
    lx.b.jumpTo(write);
  }
  lx.b.setBlock(write);
  let updated = emitCsumReplace(lx, check, reg(lx, from), reg(lx, to), bits);
  if (mangled) {
    // ...and a computed zero is sent as 0xffff.
    const store = lx.b.newBlock();
    const fix = lx.b.newBlock();
    const fixed = lx.b.vreg();
    lx.b.emit({ op: 'mov', dst: fixed, src: updated, w: 64 });
    lx.b.branch('eq', updated, { imm: 0n }, 32, fix, store);
    lx.b.setBlock(fix);
    lx.b.emit({ op: 'mov', dst: fixed, src: { imm: 0xffffn }, w: 64 });
    lx.b.terminate({ op: 'jmp', target: store.id });
    lx.b.setBlock(store);
    updated = fixed;
  }
  lx.b.store({ base: p, off: 0 }, 2, updated);
  lx.b.terminate({ op: 'jmp', target: done.id });
  lx.b.setBlock(done);
  return { k: 'reg', type: ints.i64, v: result, dirty: false };
}

function isBe(v: Scalar, bits: 16 | 32): boolean {
  return v.type.kind === 'int' && v.type.be && v.type.bits === bits;
}

function widthOfBe(v: Scalar): 16 | 32 | undefined {
  return isBe(v, 16) ? 16 : isBe(v, 32) ? 32 : undefined;
}
