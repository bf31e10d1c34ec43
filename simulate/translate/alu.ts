// ALU and ALU64 instructions as WebAssembly, exactly as the instruction-set document defines
// them: 32-bit operations work on the low halves and zero the upper 32 bits of dst; shift
// counts are masked to 63 or 31 (as WebAssembly's are); division by zero gives 0, modulo by
// zero leaves dst (ALU64) or its zero-extended low half (ALU); signed division of the minimum
// by -1 gives the minimum and signed modulo 0 (the support functions of support.ts).

import { AluOp, Class, Source, classOf, operationOf, sourceOf } from '../../compiler/bpf/opcode.ts';
import { TranslateError } from './error.ts';
import type { Slot } from './slots.ts';

export const reg = (r: number): string => `$r${r}`;
const get = (r: number): string => `local.get ${reg(r)}`;
const set = (r: number): string => `local.set ${reg(r)}`;

const simple64: Record<number, string> = {
  [AluOp.ADD]: 'i64.add',
  [AluOp.SUB]: 'i64.sub',
  [AluOp.MUL]: 'i64.mul',
  [AluOp.OR]: 'i64.or',
  [AluOp.AND]: 'i64.and',
  [AluOp.XOR]: 'i64.xor',
  [AluOp.LSH]: 'i64.shl',
  [AluOp.RSH]: 'i64.shr_u',
  [AluOp.ARSH]: 'i64.shr_s',
};
const simple32: Record<number, string> = Object.fromEntries(Object.entries(simple64).map(([k, v]) => [k, v.replace('i64', 'i32')]));

/** The source operand: src register or the immediate, sign-extended to 64 bits or taken as 32. */
function operand(s: Slot, wide: boolean): string[] {
  if (sourceOf(s.op) === Source.X) return wide ? [get(s.src)] : [get(s.src), 'i32.wrap_i64'];
  return [wide ? `i64.const ${s.imm}` : `i32.const ${s.imm}`];
}

export function translateAlu(s: Slot): string[] {
  const wide = classOf(s.op) === Class.ALU64;
  const o = operationOf(s.op);
  const t = wide ? 'i64' : 'i32';
  const dst32 = wide ? [get(s.dst)] : [get(s.dst), 'i32.wrap_i64'];
  const done = wide ? [set(s.dst)] : ['i64.extend_i32_u', set(s.dst)];
  const bad = (why: string): never => {
    throw new TranslateError(s.at, `${wide ? 'ALU64' : 'ALU'} opcode 0x${s.op.toString(16)}: ${why}`);
  };
  const table = wide ? simple64 : simple32;
  if (table[o] !== undefined) {
    if (s.off !== 0) bad(`off ${s.off} is reserved (must be 0)`);
    return [...dst32, ...operand(s, wide), table[o]!, ...done];
  }
  switch (o) {
    case AluOp.NEG:
      return [`${t}.const 0`, ...dst32, `${t}.sub`, ...done];
    case AluOp.MOV: {
      if (s.off === 0) return wide ? [...operand(s, true), ...done] : [...operand(s, false), ...done];
      if (sourceOf(s.op) !== Source.X) bad(`sign-extending mov takes a register, not an immediate`);
      const widths: Record<number, string> = wide ? { 8: 'i64.extend8_s', 16: 'i64.extend16_s', 32: 'i64.extend32_s' } : { 8: 'i32.extend8_s', 16: 'i32.extend16_s' };
      const ext = widths[s.off] ?? bad(`mov with off ${s.off} (movsx takes 8, 16${wide ? ' or 32' : ''})`);
      return [...operand(s, wide), ext, ...done];
    }
    case AluOp.DIV:
    case AluOp.MOD: {
      if (s.off !== 0 && s.off !== 1) bad(`off ${s.off} (0 unsigned, 1 signed)`);
      const name = `$${s.off ? 's' : 'u'}${o === AluOp.DIV ? 'div' : 'mod'}${wide ? 64 : 32}`;
      return [...dst32, ...operand(s, wide), `call ${name}`, ...done];
    }
    case AluOp.END:
      return translateEnd(s, wide);
    default:
      return bad('not an ALU operation');
  }
}

/**
 * Byte order. On a little-endian machine (BPF's here) `le` only truncates to the width and `be`
 * swaps; ALU64|END swaps unconditionally. Widths other than 16, 32, 64 are invalid.
 */
function translateEnd(s: Slot, wide: boolean): string[] {
  if (![16, 32, 64].includes(s.imm)) throw new TranslateError(s.at, `byte swap of width ${s.imm} (16, 32 or 64)`);
  const swap = wide || sourceOf(s.op) === Source.X;
  if (!swap) {
    if (s.imm === 64) return [];
    return [get(s.dst), `i64.const ${s.imm === 16 ? 0xffff : 0xffffffff}`, 'i64.and', set(s.dst)];
  }
  return [get(s.dst), `call $bswap${s.imm}`, set(s.dst)];
}
