// Loads, stores, atomics and 64-bit immediates. A BPF address is a byte offset into the one
// linear memory (layout.ts): the effective address is the low 32 bits of the base register plus
// the signed 16-bit offset. Atomics are plain read-modify-write: the simulated node runs one
// program at a time, so nothing can interleave.

import { AtomicOp, Class, Mode, Pseudo, Size, classOf, modeOf, sizeOf } from '../../compiler/bpf/opcode.ts';
import { TranslateError } from './error.ts';
import { reg } from './alu.ts';
import type { Slot } from './slots.ts';

const get = (r: number): string => `local.get ${reg(r)}`;
const set = (r: number): string => `local.set ${reg(r)}`;

/** The address of `base + off` as an i32 on the stack. */
const address = (base: number, off: number): string[] => [get(base), 'i32.wrap_i64', ...(off ? [`i32.const ${off}`, 'i32.add'] : [])];

const load: Record<number, string> = { [Size.B]: 'i64.load8_u', [Size.H]: 'i64.load16_u', [Size.W]: 'i64.load32_u', [Size.DW]: 'i64.load' };
const loadSx: Record<number, string> = { [Size.B]: 'i64.load8_s', [Size.H]: 'i64.load16_s', [Size.W]: 'i64.load32_s' };
const store: Record<number, string> = { [Size.B]: 'i64.store8', [Size.H]: 'i64.store16', [Size.W]: 'i64.store32', [Size.DW]: 'i64.store' };

/** What an ld_imm64 with a pseudo source stands for, as the program's relocations say. */
export interface ImmResolver {
  /** The value of the ld_imm64 at `slot`, or undefined when it is a plain constant. */
  resolve(slot: number, s: Slot): bigint | undefined;
}

export function translateMemory(s: Slot, imm: ImmResolver): string[] {
  const cls = classOf(s.op);
  const mode = modeOf(s.op);
  const size = sizeOf(s.op);
  const bad = (why: string): never => {
    throw new TranslateError(s.at, `opcode 0x${s.op.toString(16)}: ${why}`);
  };
  if (cls === Class.LD) {
    if (mode !== Mode.IMM || size !== Size.DW) bad('legacy packet loads (BPF_ABS/BPF_IND) are not supported');
    const resolved = imm.resolve(s.at, s);
    if (resolved === undefined) {
      if (s.src !== Pseudo.NONE) bad(`ld_imm64 with src ${s.src} and no relocation to resolve it`);
      return [`i64.const ${BigInt.asIntN(64, s.imm64!)}`, set(s.dst)];
    }
    return [`i64.const ${BigInt.asIntN(64, resolved)}`, set(s.dst)];
  }
  if (cls === Class.LDX) {
    if (mode === Mode.MEM) return [...address(s.src, s.off), load[size]!, set(s.dst)];
    if (mode === Mode.MEMSX) return [...address(s.src, s.off), loadSx[size] ?? bad('sign-extending load of 8 bytes'), set(s.dst)];
    return bad('LDX takes mode MEM or MEMSX');
  }
  if (cls === Class.ST) {
    if (mode !== Mode.MEM) bad('ST takes mode MEM');
    return [...address(s.dst, s.off), `i64.const ${s.imm}`, store[size]!];
  }
  // STX
  if (mode === Mode.MEM) return [...address(s.dst, s.off), get(s.src), store[size]!];
  if (mode === Mode.ATOMIC) return atomic(s, bad);
  return bad('STX takes mode MEM or ATOMIC');
}

/**
 * BPF_ATOMIC: imm names the operation. 32-bit forms work on the low half of src, and what they
 * fetch comes back zero-extended. CMPXCHG compares with r0 and always loads the old value into r0.
 */
function atomic(s: Slot, bad: (why: string) => never): string[] {
  const size = sizeOf(s.op);
  if (size !== Size.W && size !== Size.DW) bad('atomics are 32 or 64 bits wide');
  const w = size === Size.W;
  const t = w ? 'i32' : 'i64';
  const ld = w ? 'i32.load' : 'i64.load';
  const st = w ? 'i32.store' : 'i64.store';
  const src = w ? [get(s.src), 'i32.wrap_i64'] : [get(s.src)];
  const widen = w ? ['i64.extend_i32_u'] : [];
  const old = w ? '$old32' : '$old64';
  const at = [...address(s.dst, s.off), 'local.set $addr'];
  const ops: Record<number, string> = { [AtomicOp.ADD]: 'add', [AtomicOp.OR]: 'or', [AtomicOp.AND]: 'and', [AtomicOp.XOR]: 'xor' };
  const fetch = (s.imm & AtomicOp.FETCH) !== 0;
  const base = s.imm & ~AtomicOp.FETCH;
  if (s.imm === AtomicOp.XCHG) {
    return [...at, 'local.get $addr', ld, `local.set ${old}`, 'local.get $addr', ...src, st, `local.get ${old}`, ...widen, set(s.src)];
  }
  if (s.imm === AtomicOp.CMPXCHG) {
    const r0 = w ? [get(0), 'i32.wrap_i64'] : [get(0)];
    return [
      ...at, 'local.get $addr', ld, `local.set ${old}`,
      `local.get ${old}`, ...r0, `${t}.eq`, 'if', 'local.get $addr', ...src, st, 'end',
      `local.get ${old}`, ...widen, set(0),
    ];
  }
  const op = ops[base] ?? bad(`atomic operation 0x${s.imm.toString(16)}`);
  const update = [...at, 'local.get $addr', ld, `local.set ${old}`, 'local.get $addr', `local.get ${old}`, ...src, `${t}.${op}`, st];
  return fetch ? [...update, `local.get ${old}`, ...widen, set(s.src)] : update;
}
