// Bytes to instructions: the inverse of encode for label-free code. Offsets stay numbers;
// listing.ts names jump targets. Any opcode decodes (judging validity is the verifier's job);
// only a malformed stream (odd length, a cut or dirty LD_IMM64 second slot) is refused.

import { LD_IMM64 } from './opcode.ts';
import { makeInsn, type Insn } from './insn.ts';

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Decodes the instruction at byte `at`; an LD_IMM64 reads its second slot too. */
export function decodeInsn(bytes: Uint8Array, at = 0): Insn {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 8 > bytes.length) throw new DecodeError(`instruction at byte ${at}: only ${bytes.length - at} bytes left, need 8`);
  const op = view.getUint8(at);
  const regs = view.getUint8(at + 1);
  const fields = { op, dst: regs & 0x0f, src: regs >> 4, off: view.getInt16(at + 2, true), imm: view.getInt32(at + 4, true) };
  if (op !== LD_IMM64) return makeInsn(fields);
  const slot = at / 8;
  if (at + 16 > bytes.length) throw new DecodeError(`instruction ${slot}: LD_IMM64 is cut off; its second slot is missing`);
  if (view.getUint32(at + 8, true) !== 0) {
    throw new DecodeError(`instruction ${slot}: LD_IMM64's second slot must have opcode, registers and offset 0`);
  }
  const lo = BigInt(view.getUint32(at + 4, true));
  const hi = BigInt(view.getUint32(at + 12, true));
  return makeInsn({ ...fields, imm64: (hi << 32n) | lo });
}

/** Decodes a whole program (a multiple of 8 bytes). */
export function decode(bytes: Uint8Array): Insn[] {
  if (bytes.length % 8 !== 0) throw new DecodeError(`program of ${bytes.length} bytes: not a multiple of 8`);
  const out: Insn[] = [];
  for (let at = 0; at < bytes.length; ) {
    const insn = decodeInsn(bytes, at);
    out.push(insn);
    at += insn.op === LD_IMM64 ? 16 : 8;
  }
  return out;
}
