// Building one IR function: blocks, virtual registers, stack slots, and emission that stamps the
// current source line on each instruction and keeps immediates legal (too-wide constants go
// through a register first, so that selection never needs a scratch register).

import {
  immFits,
  type Addr,
  type AluOp,
  type Block,
  type Cond,
  type Inst,
  type IrFunction,
  type Operand,
  type SourceLoc,
  type Terminator,
  type VReg,
  type VRegInfo,
  type Width,
  imm,
  PHYS_REGS,
} from './ir.ts';
import { reachable } from './cfg.ts';

const OPEN = Symbol('open block');

/** Thrown by a constant-only builder when an expression would need an instruction. */
export class NotConstant extends Error {
  constructor() {
    super('not a compile-time constant');
  }
}

export class FnBuilder {
  readonly fn: IrFunction;
  /** The block being filled; undefined after a return or jump (the code that follows is dead). */
  cur: Block | undefined;
  loc: SourceLoc | undefined;

  /** Constant-only: evaluating module-level constants, where any instruction is an error. */
  constOnly = false;

  constructor(init: Omit<IrFunction, 'blocks' | 'vregs' | 'slots'>) {
    this.fn = { ...init, blocks: [], vregs: Array.from({ length: PHYS_REGS }, (_, i) => ({ name: `r${i}` })), slots: [] };
    this.cur = this.newBlock();
  }

  /** A builder that refuses to emit anything: for evaluating module-level constants. */
  static constOnly(): FnBuilder {
    const b = new FnBuilder({ name: '(constant)', kind: 'subprogram', paramCount: 0 });
    b.constOnly = true;
    return b;
  }

  newBlock(): Block {
    if (this.constOnly) throw new NotConstant();
    const b: Block = { id: this.fn.blocks.length, insts: [], term: OPEN as unknown as Terminator };
    this.fn.blocks.push(b);
    return b;
  }

  isOpen(b: Block): boolean {
    return (b.term as unknown) === OPEN;
  }

  /** Continue emitting into `b` (which must not be terminated yet). */
  setBlock(b: Block | undefined): void {
    this.cur = b;
  }

  vreg(info: VRegInfo = {}): VReg {
    this.fn.vregs.push({ ...info });
    return this.fn.vregs.length - 1;
  }

  slot(size: number, align: number, name: string): number {
    if (this.constOnly) throw new NotConstant();
    const id = this.fn.slots.length;
    this.fn.slots.push({ id, size, align: Math.max(align, 1), name });
    return id;
  }

  emit(i: Inst): void {
    if (this.constOnly) throw new NotConstant();
    if (!this.cur) return; // unreachable code: nothing to emit
    this.cur.insts.push(this.loc && !i.loc ? { ...i, loc: this.loc } : i);
  }

  terminate(t: Terminator): void {
    if (this.constOnly) throw new NotConstant();
    if (!this.cur) return;
    this.cur.term = this.loc && !t.loc ? { ...t, loc: this.loc } : t;
    this.cur = undefined;
  }

  /** Ends the current block with a jump to `b` and continues there. */
  jumpTo(b: Block): void {
    this.terminate({ op: 'jmp', target: b.id });
    this.cur = b;
  }

  // --- Emission helpers ------------------------------------------------------------------------

  /** A register holding `value` (mov for 32-bit-encodable values, LD_IMM64 otherwise). */
  constant(value: bigint, info: VRegInfo = {}): VReg {
    const dst = this.vreg(info);
    this.movConst(dst, value);
    return dst;
  }

  movConst(dst: VReg, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    if (immFits(BigInt.asIntN(64, v), 64)) this.emit({ op: 'mov', dst, src: imm(BigInt.asIntN(64, v)), w: 64 });
    else if (v < 1n << 32n) this.emit({ op: 'mov', dst, src: imm(v), w: 32 });
    else this.emit({ op: 'mov', dst, src: imm(v), w: 64 });
  }

  /** An operand for an instruction of width `w`: the immediate itself when it fits. */
  operand(value: bigint, w: Width): Operand {
    const v = w === 32 ? BigInt.asUintN(32, value) : BigInt.asIntN(64, value);
    return immFits(v, w) ? imm(v) : this.constant(value);
  }

  mov(src: VReg, info: VRegInfo = {}): VReg {
    const dst = this.vreg(info);
    this.emit({ op: 'mov', dst, src, w: 64 });
    return dst;
  }

  alu(aop: AluOp, a: VReg, b: Operand, w: Width, info: VRegInfo = {}): VReg {
    const dst = this.vreg(info);
    this.emit({ op: 'alu', aop, dst, a, b, w });
    return dst;
  }

  aluImm(aop: AluOp, a: VReg, b: bigint, w: Width, info: VRegInfo = {}): VReg {
    return this.alu(aop, a, this.operand(b, w), w, info);
  }

  load(addr: Addr, size: 1 | 2 | 4 | 8, signed = false, info: VRegInfo = {}): VReg {
    const dst = this.vreg(info);
    this.emit({ op: 'load', dst, addr, size, signed });
    return dst;
  }

  store(addr: Addr, size: 1 | 2 | 4 | 8, src: VReg | bigint): void {
    if (typeof src === 'bigint') {
      // ST's immediate is 32 bits, sign-extended to 8-byte stores.
      const v = size === 8 ? BigInt.asIntN(64, src) : BigInt.asIntN(32, BigInt.asUintN(size * 8, src));
      if (size < 8 || immFits(v, 64)) {
        this.emit({ op: 'store', addr, size, src: imm(v) });
        return;
      }
      src = this.constant(src);
    }
    this.emit({ op: 'store', addr, size, src });
  }

  branch(cond: Cond, a: VReg, b: Operand, w: Width, t: Block, f: Block): void {
    this.terminate({ op: 'br', cond, a, b, w, t: t.id, f: f.id });
  }

  /**
   * Closes the function: blocks left open are unreachable joins (both branches returned), ended
   * with a placeholder return for the cleanup to drop; an open reachable block is a lowering bug.
   */
  finish(lenient = false): IrFunction {
    const open = this.fn.blocks.filter((b) => this.isOpen(b));
    for (const b of open) b.term = { op: 'ret', value: imm(0) };
    const live = reachable(this.fn);
    for (const b of open) {
      // After a reported error the lowering may leave a block half-built; nothing is emitted then.
      if (live.has(b.id) && !lenient) throw new Error(`${this.fn.name}: block b${b.id} was never terminated`);
    }
    return this.fn;
  }
}
