// Packet access: `ctx.header<T>(offset)` becomes the one bounds check the verifier understands,
//
//     p = data + offset;  if (p + sizeof(T) > data_end) -> null;  else -> p
//
// with the offset first proven below 64 KiB when its type does not already say so (the
// verifier only tracks packet ranges for offsets it knows to be that small).

import type { Node } from 'ts-morph';
import { codes } from '../codes.ts';
import { reg } from './arith.ts';
import type { VReg } from '../ir/ir.ts';
import type { Lowerer } from './lowerer.ts';
import { sizeOf, type ArrayType, type StructType } from './types.ts';
import type { Scalar, Val } from './values.ts';

/** The largest packet offset the verifier tracks (MAX_PACKET_OFF). */
export const MAX_PACKET_OFF = 0xffff;

export function header(lx: Lowerer, off: Scalar, t: StructType | ArrayType, node: Node): Val | undefined {
  if (off.type.kind !== 'untyped' && (off.type.kind !== 'int' || off.type.be)) {
    lx.report(codes.SY3062, 'a packet offset is a host-order integer', node);
    return undefined;
  }
  const size = sizeOf(t);
  const { data, end } = lx.packet();
  const res = lx.b.vreg({ ptr: 'packet', name: t.kind === 'struct' ? lowerFirst(t.name) : 'bytes' });
  const ok = lx.b.newBlock();
  const none = lx.b.newBlock();
  const join = lx.b.newBlock();
  let p: VReg;
  if (off.k === 'const') {
    if (off.value < 0n || off.value + BigInt(size) > BigInt(MAX_PACKET_OFF)) {
      lx.report(codes.SY3062, `packet offset ${off.value} is outside 0..${MAX_PACKET_OFF - size}`, node);
      return undefined;
    }
    p = off.value === 0n ? data : lx.b.alu('add', data, { imm: off.value }, 64, { ptr: 'packet', nonNull: true });
  } else {
    const o = reg(lx, off, 64);
    // The verifier tracks a packet range only while offset + size stays below 64 KiB: check that
    // first (a negative offset fails as a huge unsigned one). Where the offset's computation
    // bounds it already (an IHL times 4), ranges.ts folds the check away.
    const inRange = lx.b.newBlock();
    lx.b.branch('gt', o, { imm: BigInt(MAX_PACKET_OFF - size) }, 64, none, inRange);
    lx.b.setBlock(inRange);
    p = lx.b.alu('add', data, o, 64, { ptr: 'packet', nonNull: true });
  }
  const e = lx.b.alu('add', p, { imm: BigInt(size) }, 64, { ptr: 'packet' });
  lx.b.branch('gt', e, end, 64, none, ok);
  lx.b.setBlock(ok);
  lx.b.emit({ op: 'mov', dst: res, src: p, w: 64 });
  lx.b.terminate({ op: 'jmp', target: join.id });
  lx.b.setBlock(none);
  lx.b.emit({ op: 'mov', dst: res, src: { imm: 0n }, w: 64 });
  lx.b.terminate({ op: 'jmp', target: join.id });
  lx.b.setBlock(join);
  return { k: 'ref', type: t, ref: { base: { v: res }, off: 0, region: 'packet' }, nullable: true };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
