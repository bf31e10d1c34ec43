// Instructions as immutable values: the raw fields of the encoding plus the symbolic parts that
// only the encoder resolves (a jump's label, a map's name) and the source line it came from.

import { CallSrc, Class, JmpOp, LD_IMM64, Pseudo, classOf, opcodeName, operationOf } from './opcode.ts';

/** Where an instruction came from: a line of a BPF-TS datapath source (or any input file). */
export interface SourceLoc {
  file: string;
  /** From 1. */
  line: number;
  /** From 1. */
  col: number;
  /** The source line's text, trimmed; listings and line info show it. */
  text: string;
}

/**
 * One instruction. `op`, `dst`, `src`, `off`, `imm` are the fields of the 8-byte encoding.
 * An LD_IMM64 is one value for both of its slots: `imm64` holds the whole constant (unsigned;
 * its low 32 bits are `imm`, the high 32 bits are the second slot's imm).
 *
 * Symbolic parts:
 * - `target`: a label name; the encoder writes its relative offset into `off` (jumps), or into
 *   `imm` (gotol, BPF-to-BPF calls, LD_IMM64 of a function). Until then the field holds 0.
 * - `map`: on an LD_IMM64 with src Pseudo.MAP_FD / MAP_VALUE, the name of the map; the encoder
 *   (given fds) or the ELF writer (as a relocation) fills in the low 32 bits.
 */
export interface Insn {
  readonly kind: 'insn';
  readonly op: number;
  readonly dst: number;
  readonly src: number;
  readonly off: number;
  readonly imm: number;
  readonly imm64?: bigint;
  readonly target?: string;
  readonly map?: string;
  readonly source?: SourceLoc;
}

/** A position in an instruction stream: names the instruction that follows it. */
export interface Label {
  readonly kind: 'label';
  readonly name: string;
}

/** What the assembler produces and the encoder consumes: instructions with labels between them. */
export type Item = Insn | Label;

export interface InsnFields {
  op: number;
  dst?: number;
  src?: number;
  off?: number;
  imm?: number;
  imm64?: bigint;
  target?: string;
  map?: string;
  source?: SourceLoc;
}

const U64 = (1n << 64n) - 1n;

/** Builds an instruction, checking every field's range; throws RangeError naming the field. */
export function makeInsn(f: InsnFields): Insn {
  const what = () => `instruction ${opcodeName(f.op)}`;
  const check = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what()}: ${name} ${v} is outside ${lo}..${hi}`);
  };
  check('opcode', f.op, 0, 0xff);
  const dst = f.dst ?? 0;
  const src = f.src ?? 0;
  const off = f.off ?? 0;
  check('dst', dst, 0, 15);
  check('src', src, 0, 15);
  check('off', off, -0x8000, 0x7fff);
  let imm = f.imm ?? 0;
  let imm64: bigint | undefined;
  if (f.op === LD_IMM64) {
    imm64 = BigInt.asUintN(64, f.imm64 ?? BigInt(imm));
    if (f.imm64 !== undefined && (f.imm64 > U64 || f.imm64 < -(1n << 63n))) {
      throw new RangeError(`${what()}: imm64 ${f.imm64} does not fit in 64 bits`);
    }
    imm = Number(BigInt.asIntN(32, imm64));
  } else {
    check('imm', imm, -0x80000000, 0x7fffffff);
  }
  const out: { -readonly [K in keyof Insn]: Insn[K] } = { kind: 'insn', op: f.op, dst, src, off, imm };
  if (imm64 !== undefined) out.imm64 = imm64;
  if (f.target !== undefined) out.target = f.target;
  if (f.map !== undefined) out.map = f.map;
  if (f.source !== undefined) out.source = Object.freeze({ ...f.source });
  return Object.freeze(out);
}

/**
 * A copy of `insn` with some fields replaced (and checked again). On an LD_IMM64, replacing
 * `imm` alone replaces the low 32 bits of `imm64` and keeps the high ones.
 */
export function withFields(insn: Insn, f: Partial<InsnFields>): Insn {
  if (insn.op === LD_IMM64 && f.imm !== undefined && f.imm64 === undefined) {
    const hi = (insn.imm64 ?? 0n) >> 32n;
    return makeInsn({ ...insn, ...f, imm64: (hi << 32n) | BigInt(f.imm >>> 0) });
  }
  return makeInsn({ ...insn, ...f });
}

/** A copy of `insn` that carries `source`. */
export function withSource(insn: Insn, source: SourceLoc | undefined): Insn {
  if (source === undefined) {
    const { source: _, ...rest } = insn;
    return makeInsn(rest);
  }
  return makeInsn({ ...insn, source });
}

export function makeLabel(name: string): Label {
  if (name === '') throw new RangeError('label: the name is empty');
  return Object.freeze({ kind: 'label' as const, name });
}

/** The labels an item stream defines (a function's own jump targets). */
export function localLabels(items: readonly Item[]): Set<string> {
  return new Set(items.flatMap((i) => (i.kind === 'label' ? [i.name] : [])));
}

export const isInsn = (x: Item): x is Insn => x.kind === 'insn';
export const isLabel = (x: Item): x is Label => x.kind === 'label';
export const isLdImm64 = (i: Insn): boolean => i.op === LD_IMM64;

/** 8-byte slots the instruction takes: 2 for LD_IMM64, else 1. */
export const slots = (i: Insn): number => (i.op === LD_IMM64 ? 2 : 1);

export const isCall = (i: Insn): boolean => i.op === (Class.JMP | JmpOp.CALL);
export const isLocalCall = (i: Insn): boolean => isCall(i) && i.src === CallSrc.LOCAL;
export const isHelperCall = (i: Insn): boolean => isCall(i) && i.src === CallSrc.HELPER;
export const isExit = (i: Insn): boolean => i.op === (Class.JMP | JmpOp.EXIT);

/** JMP32|JA: the "long" jump whose offset is in imm (gotol). */
export const isGotol = (i: Insn): boolean => i.op === (Class.JMP32 | JmpOp.JA);

/** A jump (conditional or not) whose target is an instruction of the same function. */
export function isBranch(i: Insn): boolean {
  const cls = classOf(i.op);
  if (cls !== Class.JMP && cls !== Class.JMP32) return false;
  const op = operationOf(i.op);
  return op !== JmpOp.CALL && op !== JmpOp.EXIT;
}

/** Which field holds a relative target, counted in slots from the next instruction. */
export function targetField(i: Insn): 'off' | 'imm' | undefined {
  if (isGotol(i) || isLocalCall(i)) return 'imm';
  if (isBranch(i)) return 'off';
  if (i.op === LD_IMM64 && i.src === Pseudo.FUNC) return 'imm';
  return undefined;
}
