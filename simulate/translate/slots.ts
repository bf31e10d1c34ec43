// The instruction slots of a linked program read into plain records, and each function cut into
// basic blocks: a block starts at a function's entry, at every jump target, after every jump or
// exit, and after every BPF-to-BPF call (so that the trace of executed blocks keeps the order in
// which instructions ran, the callee's between the two halves of its caller's block).

import { Class, JmpOp, LD_IMM64, classOf, operationOf } from '../../compiler/bpf/opcode.ts';
import { TranslateError } from './error.ts';

export interface Slot {
  /** Index in the linked program. */
  at: number;
  op: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
  /** LD_IMM64: the whole 64-bit constant (unsigned). */
  imm64?: bigint;
}

export function readSlots(insns: Uint8Array): Slot[] {
  const view = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const out: Slot[] = [];
  for (let at = 0; at * 8 < insns.length; at++) {
    const b = at * 8;
    const op = view.getUint8(b);
    const regs = view.getUint8(b + 1);
    const s: Slot = { at, op, dst: regs & 0xf, src: regs >> 4, off: view.getInt16(b + 2, true), imm: view.getInt32(b + 4, true) };
    if (op === LD_IMM64) {
      if (b + 16 > insns.length) throw new TranslateError(at, 'ld_imm64 is cut off: its second slot is missing');
      s.imm64 = (BigInt(view.getUint32(b + 12, true)) << 32n) | BigInt(view.getUint32(b + 4, true));
      out.push(s);
      at++;
      continue;
    }
    out.push(s);
  }
  return out;
}

const isJumpClass = (op: number): boolean => classOf(op) === Class.JMP || classOf(op) === Class.JMP32;

/** A jump within the function (conditional or not): its target slot, else undefined. */
export function branchTarget(s: Slot): number | undefined {
  if (!isJumpClass(s.op)) return undefined;
  const o = operationOf(s.op);
  if (o === JmpOp.CALL || o === JmpOp.EXIT) return undefined;
  // JMP32|JA (gotol) carries its offset in imm.
  if (classOf(s.op) === Class.JMP32 && o === JmpOp.JA) return s.at + 1 + s.imm;
  return s.at + 1 + s.off;
}

export const isExit = (s: Slot): boolean => s.op === (Class.JMP | JmpOp.EXIT);
export const isCall = (s: Slot): boolean => s.op === (Class.JMP | JmpOp.CALL);
export const isUnconditional = (s: Slot): boolean => operationOf(s.op) === JmpOp.JA && isJumpClass(s.op);

export interface Block {
  /** Slot index of its first instruction. */
  start: number;
  /** Its instructions (an ld_imm64 is one). */
  slots: Slot[];
}

/** Basic blocks of the function spanning slots [start, end) of the linked program. */
export function basicBlocks(all: readonly Slot[], start: number, end: number): Block[] {
  const body = all.filter((s) => s.at >= start && s.at < end);
  const leaders = new Set<number>([start]);
  for (const s of body) {
    const t = branchTarget(s);
    if (t !== undefined) {
      if (t < start || t >= end) throw new TranslateError(s.at, `jump to slot ${t}, outside its function (slots ${start}..${end - 1})`);
      leaders.add(t);
    }
    if (t !== undefined || isExit(s) || isCall(s)) leaders.add(s.at + (s.op === LD_IMM64 ? 2 : 1));
  }
  const blocks: Block[] = [];
  for (const s of body) {
    if (leaders.has(s.at) || blocks.length === 0) blocks.push({ start: s.at, slots: [] });
    blocks[blocks.length - 1]!.slots.push(s);
  }
  for (const l of leaders) {
    if (l < end && !body.some((s) => s.at === l)) throw new TranslateError(l, 'a jump lands in the second slot of an ld_imm64');
  }
  return blocks;
}
