// The assembler: one function per instruction form, returning immutable Insn values, in the
// order of the kernel/llvm text (`ldx('u32', R1, R6, 4)` is `r1 = *(u32 *)(r6 + 4)`).
//
// Usage:
//   import { R0, R1, R2, R6, R10 } from './register.ts';
//   import * as a from './asm.ts';
//   const items = [
//     a.mov64(R6, R1),                  // r6 = r1
//     a.ldx('u32', R1, R6, 4),          // r1 = *(u32 *)(r6 + 4)
//     a.jeq(R1, 0, 'drop'),             // if r1 == 0 goto drop   (64-bit compare; jeq32 for w1)
//     a.st('u32', R10, -4, 7),          // *(u32 *)(r10 - 4) = 7
//     a.mov64(R2, R10), a.add64(R2, -4),
//     a.ldMap(R1, 'lb4_services'),      // r1 = map lb4_services (a relocation in the ELF)
//     a.call('map_lookup_elem'),        // helper by name or number
//     a.callLocal('pick_backend'),      // BPF-to-BPF call to the function labelled pick_backend
//     a.ja('out'),
//     a.label('drop'),
//     a.mov64(R0, 1),
//     a.label('out'),
//     a.exit(),
//   ];
//   const withLines = a.at({ file: 'lb.ts', line: 12, col: 3, text: 'return XDP_DROP;' }, a.mov64(R0, 1), a.exit());
// Then: encode(items) (encode.ts) gives bytes and resolved instructions; buildObject (object.ts)
// makes an ELF object of programs, functions and maps; linkItems (link-items.ts) makes one stream
// for progLoad; listObject (listing.ts) the text for review; decode/disassemble go back.
//
// Operands: a Reg (R0..R10) or a number immediate. 64-bit operations (…64, and the 64-bit
// jumps) sign-extend their 32-bit immediate, so they take -2^31..2^31-1 only: 0xffffffff would
// silently mean -1. 32-bit operations (…32) also take 2^31..2^32-1 and wrap it. Use ldImm64
// for wider constants. Jump targets are label names (or a raw slot offset as a number).

import {
  AluOp,
  AtomicOp,
  CallSrc,
  Class,
  JmpOp,
  LD_IMM64,
  Mode,
  Pseudo,
  Source,
  sizeCode,
  type SignedSizeName,
  type SizeName,
} from './opcode.ts';
import { helperId } from '../../format/bpf-helpers.ts';
import { isReg, type Reg } from './register.ts';
import { makeInsn, makeLabel, withSource, type Insn, type Item, type Label, type SourceLoc } from './insn.ts';

export type Operand = Reg | number;
export type Target = string | number;

function imm32(v: number, wide: boolean, what: string): number {
  if (!Number.isInteger(v)) throw new RangeError(`${what}: immediate ${v} is not an integer`);
  if (wide) {
    if (v < -0x80000000 || v > 0x7fffffff) {
      throw new RangeError(`${what}: immediate ${v} does not fit a sign-extended 32-bit field; use ldImm64 into a register`);
    }
    return v;
  }
  if (v < -0x80000000 || v > 0xffffffff) throw new RangeError(`${what}: immediate ${v} does not fit 32 bits`);
  return v | 0;
}

function regArg(r: Reg, what: string): number {
  if (!isReg(r)) throw new TypeError(`${what}: expected a register (R0..R10), got ${String(r)}`);
  return r.n;
}

function target(t: Target, field: 'off' | 'imm'): { target?: string; off?: number; imm?: number } {
  return typeof t === 'string' ? { target: t } : { [field]: t };
}

// --- ALU ---------------------------------------------------------------------------------

function alu(cls: number, op: number, name: string, off = 0) {
  const wide = cls === Class.ALU64;
  return (dst: Reg, src: Operand): Insn => {
    const d = regArg(dst, name);
    return isReg(src)
      ? makeInsn({ op: cls | op | Source.X, dst: d, src: src.n, off })
      : makeInsn({ op: cls | op | Source.K, dst: d, off, imm: imm32(src, wide, name) });
  };
}

export const add64 = alu(Class.ALU64, AluOp.ADD, 'add64');
export const sub64 = alu(Class.ALU64, AluOp.SUB, 'sub64');
export const mul64 = alu(Class.ALU64, AluOp.MUL, 'mul64');
export const div64 = alu(Class.ALU64, AluOp.DIV, 'div64');
export const sdiv64 = alu(Class.ALU64, AluOp.DIV, 'sdiv64', 1);
export const or64 = alu(Class.ALU64, AluOp.OR, 'or64');
export const and64 = alu(Class.ALU64, AluOp.AND, 'and64');
export const lsh64 = alu(Class.ALU64, AluOp.LSH, 'lsh64');
export const rsh64 = alu(Class.ALU64, AluOp.RSH, 'rsh64');
export const mod64 = alu(Class.ALU64, AluOp.MOD, 'mod64');
export const smod64 = alu(Class.ALU64, AluOp.MOD, 'smod64', 1);
export const xor64 = alu(Class.ALU64, AluOp.XOR, 'xor64');
export const mov64 = alu(Class.ALU64, AluOp.MOV, 'mov64');
export const arsh64 = alu(Class.ALU64, AluOp.ARSH, 'arsh64');

export const add32 = alu(Class.ALU, AluOp.ADD, 'add32');
export const sub32 = alu(Class.ALU, AluOp.SUB, 'sub32');
export const mul32 = alu(Class.ALU, AluOp.MUL, 'mul32');
export const div32 = alu(Class.ALU, AluOp.DIV, 'div32');
export const sdiv32 = alu(Class.ALU, AluOp.DIV, 'sdiv32', 1);
export const or32 = alu(Class.ALU, AluOp.OR, 'or32');
export const and32 = alu(Class.ALU, AluOp.AND, 'and32');
export const lsh32 = alu(Class.ALU, AluOp.LSH, 'lsh32');
export const rsh32 = alu(Class.ALU, AluOp.RSH, 'rsh32');
export const mod32 = alu(Class.ALU, AluOp.MOD, 'mod32');
export const smod32 = alu(Class.ALU, AluOp.MOD, 'smod32', 1);
export const xor32 = alu(Class.ALU, AluOp.XOR, 'xor32');
export const mov32 = alu(Class.ALU, AluOp.MOV, 'mov32');
export const arsh32 = alu(Class.ALU, AluOp.ARSH, 'arsh32');

export const neg64 = (dst: Reg): Insn => makeInsn({ op: Class.ALU64 | AluOp.NEG, dst: regArg(dst, 'neg64') });
export const neg32 = (dst: Reg): Insn => makeInsn({ op: Class.ALU | AluOp.NEG, dst: regArg(dst, 'neg32') });

/** dst = (s8/s16/s32) src, sign-extended to 64 bits. */
export function movsx64(dst: Reg, src: Reg, bits: 8 | 16 | 32): Insn {
  return makeInsn({ op: Class.ALU64 | AluOp.MOV | Source.X, dst: regArg(dst, 'movsx64'), src: regArg(src, 'movsx64'), off: bits });
}

/** w_dst = (s8/s16) w_src, sign-extended to 32 bits, upper half zeroed. */
export function movsx32(dst: Reg, src: Reg, bits: 8 | 16): Insn {
  return makeInsn({ op: Class.ALU | AluOp.MOV | Source.X, dst: regArg(dst, 'movsx32'), src: regArg(src, 'movsx32'), off: bits });
}

type Width = 16 | 32 | 64;
const endian = (op: number, name: string) => (bits: Width) => (dst: Reg): Insn =>
  makeInsn({ op: op | AluOp.END, dst: regArg(dst, name), imm: bits });
const toBe = endian(Class.ALU | Source.X, 'be');
const toLe = endian(Class.ALU | Source.K, 'le');
const swap = endian(Class.ALU64 | Source.K, 'bswap');

/** Host (little endian) to big endian, truncating to the width: network byte order. */
export const be16 = toBe(16);
export const be32 = toBe(32);
export const be64 = toBe(64);
/** To little endian: on this (little-endian) target only truncates to the width. */
export const le16 = toLe(16);
export const le32 = toLe(32);
export const le64 = toLe(64);
/** Unconditional byte swap (ALU64|END), whatever the host order. */
export const bswap16 = swap(16);
export const bswap32 = swap(32);
export const bswap64 = swap(64);

// --- Jumps and calls -----------------------------------------------------------------------

function jump(cls: number, op: number, name: string) {
  const wide = cls === Class.JMP;
  return (dst: Reg, src: Operand, to: Target): Insn => {
    const d = regArg(dst, name);
    return isReg(src)
      ? makeInsn({ op: cls | op | Source.X, dst: d, src: src.n, ...target(to, 'off') })
      : makeInsn({ op: cls | op | Source.K, dst: d, imm: imm32(src, wide, name), ...target(to, 'off') });
  };
}

export const jeq = jump(Class.JMP, JmpOp.JEQ, 'jeq');
export const jne = jump(Class.JMP, JmpOp.JNE, 'jne');
export const jgt = jump(Class.JMP, JmpOp.JGT, 'jgt');
export const jge = jump(Class.JMP, JmpOp.JGE, 'jge');
export const jlt = jump(Class.JMP, JmpOp.JLT, 'jlt');
export const jle = jump(Class.JMP, JmpOp.JLE, 'jle');
export const jsgt = jump(Class.JMP, JmpOp.JSGT, 'jsgt');
export const jsge = jump(Class.JMP, JmpOp.JSGE, 'jsge');
export const jslt = jump(Class.JMP, JmpOp.JSLT, 'jslt');
export const jsle = jump(Class.JMP, JmpOp.JSLE, 'jsle');
export const jset = jump(Class.JMP, JmpOp.JSET, 'jset');

export const jeq32 = jump(Class.JMP32, JmpOp.JEQ, 'jeq32');
export const jne32 = jump(Class.JMP32, JmpOp.JNE, 'jne32');
export const jgt32 = jump(Class.JMP32, JmpOp.JGT, 'jgt32');
export const jge32 = jump(Class.JMP32, JmpOp.JGE, 'jge32');
export const jlt32 = jump(Class.JMP32, JmpOp.JLT, 'jlt32');
export const jle32 = jump(Class.JMP32, JmpOp.JLE, 'jle32');
export const jsgt32 = jump(Class.JMP32, JmpOp.JSGT, 'jsgt32');
export const jsge32 = jump(Class.JMP32, JmpOp.JSGE, 'jsge32');
export const jslt32 = jump(Class.JMP32, JmpOp.JSLT, 'jslt32');
export const jsle32 = jump(Class.JMP32, JmpOp.JSLE, 'jsle32');
export const jset32 = jump(Class.JMP32, JmpOp.JSET, 'jset32');

/** goto: a 16-bit offset; the encoder turns it into gotol by itself when the label is too far. */
export const ja = (to: Target): Insn => makeInsn({ op: Class.JMP | JmpOp.JA, ...target(to, 'off') });
/** goto with a 32-bit offset (JMP32|JA, kernel 6.4+). */
export const gotol = (to: Target): Insn => makeInsn({ op: Class.JMP32 | JmpOp.JA, ...target(to, 'imm') });

/** A kernel helper, by name (`'map_lookup_elem'` or `'bpf_map_lookup_elem'`) or number. */
export function call(helper: string | number): Insn {
  const id = typeof helper === 'string' ? helperId(helper) : helper;
  return makeInsn({ op: Class.JMP | JmpOp.CALL, src: CallSrc.HELPER, imm: id });
}

/** A BPF-to-BPF call to the function that starts at label `fn` (or a raw relative offset). */
export const callLocal = (fn: Target): Insn =>
  makeInsn({ op: Class.JMP | JmpOp.CALL, src: CallSrc.LOCAL, ...target(fn, 'imm') });

/** A kernel function (kfunc) by its BTF id in vmlinux. */
export const callKfunc = (btfId: number): Insn =>
  makeInsn({ op: Class.JMP | JmpOp.CALL, src: CallSrc.KFUNC, imm: btfId });

export const exit = (): Insn => makeInsn({ op: Class.JMP | JmpOp.EXIT });

// --- Loads and stores ----------------------------------------------------------------------

function isSigned(size: SizeName | SignedSizeName): size is SignedSizeName {
  return size[0] === 's';
}

/** dst = *(size *)(src + off); `s8`/`s16`/`s32` sign-extend (LDX|MEMSX). */
export function ldx(size: SizeName | SignedSizeName, dst: Reg, src: Reg, off: number): Insn {
  const mode = isSigned(size) ? Mode.MEMSX : Mode.MEM;
  const code = sizeCode(isSigned(size) ? (`u${size.slice(1)}` as SizeName) : size);
  return makeInsn({ op: Class.LDX | mode | code, dst: regArg(dst, 'ldx'), src: regArg(src, 'ldx'), off });
}

/** *(size *)(dst + off) = src */
export function stx(size: SizeName, dst: Reg, off: number, src: Reg): Insn {
  return makeInsn({ op: Class.STX | Mode.MEM | sizeCode(size), dst: regArg(dst, 'stx'), src: regArg(src, 'stx'), off });
}

/** *(size *)(dst + off) = imm (sign-extended to the size) */
export function st(size: SizeName, dst: Reg, off: number, imm: number): Insn {
  return makeInsn({ op: Class.ST | Mode.MEM | sizeCode(size), dst: regArg(dst, 'st'), off, imm: imm32(imm, size === 'u64', 'st') });
}

export type AtomicName =
  | 'add' | 'or' | 'and' | 'xor'
  | 'fetch_add' | 'fetch_or' | 'fetch_and' | 'fetch_xor'
  | 'xchg' | 'cmpxchg';

const atomicImm: Record<AtomicName, number> = {
  add: AtomicOp.ADD,
  or: AtomicOp.OR,
  and: AtomicOp.AND,
  xor: AtomicOp.XOR,
  fetch_add: AtomicOp.ADD | AtomicOp.FETCH,
  fetch_or: AtomicOp.OR | AtomicOp.FETCH,
  fetch_and: AtomicOp.AND | AtomicOp.FETCH,
  fetch_xor: AtomicOp.XOR | AtomicOp.FETCH,
  xchg: AtomicOp.XCHG,
  cmpxchg: AtomicOp.CMPXCHG,
};

/**
 * An atomic read-modify-write of *(size *)(dst + off) with src. The fetch_ forms and xchg put the
 * old value into src; cmpxchg compares with r0, stores src if equal, and puts the old value in r0.
 */
export function atomic(name: AtomicName, size: 'u32' | 'u64', dst: Reg, off: number, src: Reg): Insn {
  return makeInsn({
    op: Class.STX | Mode.ATOMIC | sizeCode(size),
    dst: regArg(dst, `atomic ${name}`),
    src: regArg(src, `atomic ${name}`),
    off,
    imm: atomicImm[name],
  });
}

/** Legacy packet load (socket filters and skb programs only): r0 = ntoh(*(size *)(skb->data + imm)). */
export const ldAbs = (size: 'u8' | 'u16' | 'u32', imm: number): Insn =>
  makeInsn({ op: Class.LD | Mode.ABS | sizeCode(size), imm });
/** Legacy packet load at src + imm. */
export const ldInd = (size: 'u8' | 'u16' | 'u32', src: Reg, imm: number): Insn =>
  makeInsn({ op: Class.LD | Mode.IND | sizeCode(size), src: regArg(src, 'ldInd'), imm });

// --- 64-bit immediates ---------------------------------------------------------------------

/** dst = a 64-bit constant (two slots). Negative values are taken as two's complement. */
export function ldImm64(dst: Reg, value: bigint | number): Insn {
  return makeInsn({ op: LD_IMM64, dst: regArg(dst, 'ldImm64'), imm64: BigInt(value) });
}

/** dst = the map named `map` (a pointer to it, for helpers). */
export function ldMap(dst: Reg, map: string): Insn {
  return makeInsn({ op: LD_IMM64, dst: regArg(dst, 'ldMap'), src: Pseudo.MAP_FD, map });
}

/** dst = &value_of(map)[0] + offset, for array maps of one element (global data). */
export function ldMapValue(dst: Reg, map: string, offset = 0): Insn {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fffffff) throw new RangeError(`ldMapValue ${map}: offset ${offset}`);
  return makeInsn({ op: LD_IMM64, dst: regArg(dst, 'ldMapValue'), src: Pseudo.MAP_VALUE, map, imm64: BigInt(offset) << 32n });
}

/** dst = the address of a kernel object by its BTF id (typed ksym). */
export const ldBtfId = (dst: Reg, btfId: number): Insn =>
  makeInsn({ op: LD_IMM64, dst: regArg(dst, 'ldBtfId'), src: Pseudo.BTF_ID, imm64: BigInt(btfId >>> 0) });

/** dst = a pointer to the function labelled `fn` (callbacks for bpf_loop, for_each_map_elem, timers). */
export const ldFunc = (dst: Reg, fn: Target): Insn =>
  makeInsn({ op: LD_IMM64, dst: regArg(dst, 'ldFunc'), src: Pseudo.FUNC, ...target(fn, 'imm') });

// --- Labels and source lines ---------------------------------------------------------------

export const label = (name: string): Label => makeLabel(name);

/** The given instructions, each carrying `source`; labels pass through unchanged. */
export function at(source: SourceLoc, ...items: Item[]): Item[] {
  return items.map((i) => (i.kind === 'insn' ? withSource(i, source) : i));
}

