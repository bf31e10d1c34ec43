// The BPF-TS IR: a control-flow graph of BPF-shaped instructions over virtual registers.
// Operations are those of the BPF ISA (so selection is one-to-one), registers are unlimited
// until allocation, and every instruction keeps the source line it came from.
//
// Virtual registers 0..10 stand for the physical r0..r10: calls, parameters and returns name
// them explicitly (after expand-calls.ts), which is how the allocator learns the constraints.

import type { SourceLoc } from '../../bpf/insn.ts';
import type { ContextKind, Region } from '../front/types.ts';

export type { SourceLoc };

export type VReg = number;
export const PHYS_REGS = 11;
export const R0 = 0;
export const R1 = 1;
export const R10 = 10;
export const isPhys = (v: VReg): boolean => v < PHYS_REGS;

/** A register or an immediate; immediates are legal for the instruction that holds them. */
export type Operand = VReg | Imm;
export interface Imm {
  readonly imm: bigint;
}
export const imm = (value: bigint | number): Imm => ({ imm: BigInt(value) });
export const isImm = (o: Operand): o is Imm => typeof o === 'object';

export type Width = 32 | 64;
export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'mod' | 'smod' | 'and' | 'or' | 'xor' | 'lsh' | 'rsh' | 'arsh';
export type Cond = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sgt' | 'sge' | 'slt' | 'sle' | 'set';
export type MemSize = 1 | 2 | 4 | 8;

/** A memory address: a register plus a constant, or a stack slot of the frame plus a constant. */
export type RegAddr = { readonly base: VReg; readonly off: number };
export type SlotAddr = { readonly slot: number; readonly off: number };
export type Addr = RegAddr | SlotAddr;
export const isSlotAddr = (a: Addr): a is SlotAddr => 'slot' in a;

interface At {
  loc?: SourceLoc;
}

export type Inst =
  | (At & { op: 'mov'; dst: VReg; src: Operand; w: Width })
  | (At & { op: 'alu'; aop: AluOp; dst: VReg; a: VReg; b: Operand; w: Width })
  | (At & { op: 'neg'; dst: VReg; a: VReg; w: Width })
  /** dst = a sign-extended from its low `bits` to 64 bits. */
  | (At & { op: 'sext'; dst: VReg; a: VReg; bits: 8 | 16 | 32 })
  /** dst = the low `bits` of a with their bytes swapped, zero-extended (host to network order). */
  | (At & { op: 'bswap'; dst: VReg; a: VReg; bits: 16 | 32 | 64 })
  | (At & { op: 'load'; dst: VReg; addr: Addr; size: MemSize; signed: boolean })
  | (At & { op: 'store'; addr: Addr; size: MemSize; src: Operand })
  /** dst = the address of a stack slot plus off (r10 relative). */
  | (At & { op: 'addr'; dst: VReg; slot: number; off: number })
  /** dst = the map `map` (LD_IMM64 with a map reference). */
  | (At & { op: 'map'; dst: VReg; map: string })
  /**
   * A kernel helper. Before expand-calls: `args` and `dst` are the values. After: `args` are
   * empty, the arguments sit in r1..r5 (`argCount` of them) and the result in r0.
   */
  | (At & { op: 'call'; helper: number; name: string; args: Operand[]; argCount: number; dst?: VReg; movesPacket: boolean })
  /** A BPF-to-BPF call to a subprogram of the same object; arguments as for `call`. */
  | (At & { op: 'calllocal'; fn: string; args: Operand[]; argCount: number; dst?: VReg })
  /** An atomic read-modify-write of memory (BPF_ATOMIC): `*addr += src`. */
  | (At & { op: 'atomic'; aop: 'add'; addr: Addr; size: 4 | 8; src: VReg })
  /** A stack slot's life starts here (its bytes are about to be written): emits nothing. */
  | (At & { op: 'slotdef'; slot: number });

export type Terminator =
  | (At & { op: 'br'; cond: Cond; a: VReg; b: Operand; w: Width; t: number; f: number })
  | (At & { op: 'jmp'; target: number })
  /** Before expand-calls the value to return; after, r0 holds it and `value` is undefined. */
  | (At & { op: 'ret'; value?: Operand });

export interface Block {
  readonly id: number;
  insts: Inst[];
  term: Terminator;
}

/** What a virtual register holds, for checks (packet pointers), listings and the allocator. */
export interface VRegInfo {
  name?: string;
  /** Pointer regions matter to the verifier: packet pointers die when packet data moves. */
  ptr?: Region | 'packet_end' | 'map_handle';
  /** Never 0 (a packet pointer computed from data, a stack address): null checks on it fold. */
  nonNull?: boolean;
  /** The packet's data register: redefined only right after helpers that move packet data. */
  packetData?: boolean;
}

export interface Slot {
  readonly id: number;
  readonly size: number;
  readonly align: number;
  /** Why the slot exists: a variable's name, `spill %7`, `key of services`. */
  readonly name: string;
}

export interface IrFunction {
  readonly name: string;
  /** Programs are entry points (with a section); subprograms are reached by BPF-to-BPF calls. */
  readonly kind: 'program' | 'subprogram';
  readonly section?: string;
  readonly ctx?: ContextKind;
  /** Number of arguments a subprogram receives in r1..r5; programs get the context in r1. */
  readonly paramCount: number;
  /** Block 0 is the entry; others in layout order. */
  blocks: Block[];
  vregs: VRegInfo[];
  slots: Slot[];
  readonly loc?: SourceLoc;
}

/** Per-program: the program and the subprograms it calls (directly or not), in call order. */
export interface IrProgram {
  readonly main: IrFunction;
  readonly subprograms: IrFunction[];
}

// --- Queries ----------------------------------------------------------------------------------

export function successors(t: Terminator): number[] {
  switch (t.op) {
    case 'br':
      return t.t === t.f ? [t.t] : [t.t, t.f];
    case 'jmp':
      return [t.target];
    case 'ret':
      return [];
  }
}

const regOf = (o: Operand | undefined): VReg[] => (o === undefined || isImm(o) ? [] : [o]);
const addrRegs = (a: Addr): VReg[] => (isSlotAddr(a) ? [] : [a.base]);
const argRegs = (n: number): VReg[] => Array.from({ length: n }, (_, i) => i + 1);

/** Registers an instruction reads. */
export function uses(i: Inst | Terminator): VReg[] {
  switch (i.op) {
    case 'mov':
      return regOf(i.src);
    case 'alu':
      return [i.a, ...regOf(i.b)];
    case 'neg':
    case 'sext':
    case 'bswap':
      return [i.a];
    case 'load':
      return addrRegs(i.addr);
    case 'store':
      return [...addrRegs(i.addr), ...regOf(i.src)];
    case 'atomic':
      return [...addrRegs(i.addr), i.src];
    case 'addr':
    case 'map':
    case 'slotdef':
      return [];
    case 'call':
    case 'calllocal':
      return [...i.args.flatMap(regOf), ...argRegs(i.argCount)];
    case 'br':
      return [i.a, ...regOf(i.b)];
    case 'jmp':
      return [];
    case 'ret':
      return i.value === undefined ? [R0] : regOf(i.value);
  }
}

/** Registers an instruction writes (calls: r0 after expansion, and `dst` before). */
export function defs(i: Inst | Terminator): VReg[] {
  switch (i.op) {
    case 'mov':
    case 'alu':
    case 'neg':
    case 'sext':
    case 'bswap':
    case 'load':
    case 'addr':
    case 'map':
      return [i.dst];
    case 'call':
    case 'calllocal':
      return i.dst === undefined ? [R0] : [i.dst];
    default:
      return [];
  }
}

/** Calls clobber r0..r5 (the ISA's caller-saved registers). */
export const CLOBBERED: readonly VReg[] = [0, 1, 2, 3, 4, 5];

export function isCallInst(i: Inst): boolean {
  return i.op === 'call' || i.op === 'calllocal';
}

/** Instructions with an effect beyond their result: never removed as dead code. */
export function hasSideEffect(i: Inst): boolean {
  return i.op === 'store' || i.op === 'atomic' || i.op === 'call' || i.op === 'calllocal';
}

export const commutative: ReadonlySet<AluOp> = new Set(['add', 'mul', 'and', 'or', 'xor']);

/** The condition that holds when `c` does not. */
export function negate(c: Cond): Cond | undefined {
  const m: Partial<Record<Cond, Cond>> = {
    eq: 'ne', ne: 'eq', gt: 'le', le: 'gt', ge: 'lt', lt: 'ge',
    sgt: 'sle', sle: 'sgt', sge: 'slt', slt: 'sge',
  };
  return m[c];
}

/** The condition with its operands swapped (a < b  ⇔  b > a). */
export function swapCond(c: Cond): Cond {
  const m: Record<Cond, Cond> = {
    eq: 'eq', ne: 'ne', gt: 'lt', lt: 'gt', ge: 'le', le: 'ge',
    sgt: 'slt', slt: 'sgt', sge: 'sle', sle: 'sge', set: 'set',
  };
  return m[c];
}

/** Whether an immediate is encodable in an instruction of this width (64-bit ops sign-extend imm32). */
export function immFits(value: bigint, w: Width): boolean {
  return w === 64 ? value >= -(1n << 31n) && value < 1n << 31n : value >= -(1n << 31n) && value < 1n << 32n;
}

/** Evaluates a condition on two values as the given width sees them. */
export function evalCond(c: Cond, a: bigint, b: bigint, w: Width): boolean {
  const ua = BigInt.asUintN(w, a);
  const ub = BigInt.asUintN(w, b);
  const sa = BigInt.asIntN(w, a);
  const sb = BigInt.asIntN(w, b);
  switch (c) {
    case 'eq': return ua === ub;
    case 'ne': return ua !== ub;
    case 'gt': return ua > ub;
    case 'ge': return ua >= ub;
    case 'lt': return ua < ub;
    case 'le': return ua <= ub;
    case 'sgt': return sa > sb;
    case 'sge': return sa >= sb;
    case 'slt': return sa < sb;
    case 'sle': return sa <= sb;
    case 'set': return (ua & ub) !== 0n;
  }
}

/** Evaluates an ALU operation as BPF does (division by zero gives 0, modulo by zero the dividend). */
export function evalAlu(op: AluOp, a: bigint, b: bigint, w: Width): bigint {
  const ua = BigInt.asUintN(w, a);
  const ub = BigInt.asUintN(w, b);
  const sa = BigInt.asIntN(w, a);
  const sb = BigInt.asIntN(w, b);
  const mask = BigInt(w - 1);
  let r: bigint;
  switch (op) {
    case 'add': r = ua + ub; break;
    case 'sub': r = ua - ub; break;
    case 'mul': r = ua * ub; break;
    case 'div': r = ub === 0n ? 0n : ua / ub; break;
    case 'sdiv': r = sb === 0n ? 0n : sa / sb; break;
    case 'mod': r = ub === 0n ? ua : ua % ub; break;
    case 'smod': r = sb === 0n ? sa : sa % sb; break;
    case 'and': r = ua & ub; break;
    case 'or': r = ua | ub; break;
    case 'xor': r = ua ^ ub; break;
    case 'lsh': r = ua << (ub & mask); break;
    case 'rsh': r = ua >> (ub & mask); break;
    case 'arsh': r = sa >> (ub & mask); break;
  }
  // 32-bit operations zero the upper half of the destination.
  return BigInt.asUintN(w, r);
}
