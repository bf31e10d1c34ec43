// Conditional and unconditional jumps. The function's blocks are nested so that a forward jump
// is a `br` to the end of the target's block (where its code starts) and a backward jump sets
// the block number and goes round the dispatch loop (function.ts). JMP32 compares the low halves.

import { Class, JmpOp, Source, classOf, operationOf, sourceOf } from '../../compiler/bpf/opcode.ts';
import { TranslateError } from './error.ts';
import { reg } from './alu.ts';
import type { Slot } from './slots.ts';

const compare: Record<number, string> = {
  [JmpOp.JEQ]: 'eq',
  [JmpOp.JNE]: 'ne',
  [JmpOp.JGT]: 'gt_u',
  [JmpOp.JGE]: 'ge_u',
  [JmpOp.JLT]: 'lt_u',
  [JmpOp.JLE]: 'le_u',
  [JmpOp.JSGT]: 'gt_s',
  [JmpOp.JSGE]: 'ge_s',
  [JmpOp.JSLT]: 'lt_s',
  [JmpOp.JSLE]: 'le_s',
};

/** The i32 condition of a conditional jump, or undefined for JA. */
export function condition(s: Slot): string[] | undefined {
  const o = operationOf(s.op);
  if (o === JmpOp.JA) return undefined;
  const wide = classOf(s.op) === Class.JMP;
  const t = wide ? 'i64' : 'i32';
  const dst = wide ? [`local.get ${reg(s.dst)}`] : [`local.get ${reg(s.dst)}`, 'i32.wrap_i64'];
  const src =
    sourceOf(s.op) === Source.X
      ? wide ? [`local.get ${reg(s.src)}`] : [`local.get ${reg(s.src)}`, 'i32.wrap_i64']
      : [`${t}.const ${s.imm}`];
  if (o === JmpOp.JSET) return [...dst, ...src, `${t}.and`, `${t}.const 0`, `${t}.ne`];
  const c = compare[o];
  if (c === undefined) throw new TranslateError(s.at, `opcode 0x${s.op.toString(16)}: not a jump`);
  return [...dst, ...src, `${t}.${c}`];
}

/** Where a function's block sits in the two-level layout of function.ts. */
export interface BlockPlace {
  group: number;
  /** Index within its group. */
  local: number;
  /** Blocks in its group. */
  groupSize: number;
}

/**
 * Control transfer from the code of block `from` to block `to` (global block indices `target`),
 * taken when the i32 on the stack is true (conditional) or always. Labels are relative depths
 * (function.ts draws the nesting): within a group, block j > i ends at depth j - i - 1; group
 * h > g ends at depth (L - 1 - i) + (h - g - 1); the dispatch loop is at (L - 1 - i) + (m - 1 - g).
 * Leaving the group or going back sets $pc first, for the dispatch that follows.
 */
export function branch(from: BlockPlace, to: BlockPlace, target: number, groups: number, conditional: boolean): string[] {
  const inner = from.groupSize - 1 - from.local;
  if (to.group === from.group && to.local > from.local) return [`${conditional ? 'br_if' : 'br'} ${to.local - from.local - 1}`];
  const depth = to.group > from.group ? inner + (to.group - from.group - 1) : inner + (groups - 1 - from.group);
  const go = (d: number) => [`i32.const ${target}`, 'local.set $pc', `br ${d}`];
  return conditional ? ['if', ...go(depth + 1), 'end'] : go(depth);
}

/** Whether the jump goes through $pc (leaves its group, or goes back) and needs the loop (goes back). */
export function viaPc(from: BlockPlace, to: BlockPlace): { pc: boolean; loop: boolean } {
  if (to.group === from.group && to.local > from.local) return { pc: false, loop: false };
  return { pc: true, loop: to.group < from.group || (to.group === from.group && to.local <= from.local) };
}
