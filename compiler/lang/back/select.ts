// Instruction selection: allocated IR to the backend's instructions, one-to-one but for the
// two-address form of ALU operations (`dst = a op b` is `dst = a; dst op= b`) and branch
// layout (conditions are inverted so the likely path falls through; returns go last).

import * as a from '../../bpf/asm.ts';
import { isExit, withSource, type Insn, type Item } from '../../bpf/insn.ts';
import { Class, JmpOp } from '../../bpf/opcode.ts';
import { reg, R10, type Reg } from '../../bpf/register.ts';
import type { Frame } from './frame.ts';
import { isImm, isSlotAddr, negate, type Addr, type AluOp, type Block, type Cond, type Inst, type IrFunction, type Operand, type Terminator } from '../ir/ir.ts';

type SizeName = 'u8' | 'u16' | 'u32' | 'u64';
const sizeName = (n: number): SizeName => ({ 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' } as const)[n as 1 | 2 | 4 | 8];

/** Block labels: the dot keeps them apart from function names (which are identifiers). */
export const blockLabel = (fn: IrFunction, id: number): string => (id === 0 ? `.${fn.name}` : `.L${id}`);

const alu64: Record<AluOp, (d: Reg, s: a.Operand) => Insn> = {
  add: a.add64, sub: a.sub64, mul: a.mul64, div: a.div64, sdiv: a.sdiv64, mod: a.mod64, smod: a.smod64,
  and: a.and64, or: a.or64, xor: a.xor64, lsh: a.lsh64, rsh: a.rsh64, arsh: a.arsh64,
};
const alu32: Record<AluOp, (d: Reg, s: a.Operand) => Insn> = {
  add: a.add32, sub: a.sub32, mul: a.mul32, div: a.div32, sdiv: a.sdiv32, mod: a.mod32, smod: a.smod32,
  and: a.and32, or: a.or32, xor: a.xor32, lsh: a.lsh32, rsh: a.rsh32, arsh: a.arsh32,
};
type Jump = (d: Reg, s: a.Operand, to: a.Target) => Insn;
const jmp64: Record<Cond, Jump> = {
  eq: a.jeq, ne: a.jne, gt: a.jgt, ge: a.jge, lt: a.jlt, le: a.jle, sgt: a.jsgt, sge: a.jsge, slt: a.jslt, sle: a.jsle, set: a.jset,
};
const jmp32: Record<Cond, Jump> = {
  eq: a.jeq32, ne: a.jne32, gt: a.jgt32, ge: a.jge32, lt: a.jlt32, le: a.jle32, sgt: a.jsgt32, sge: a.jsge32, slt: a.jslt32, sle: a.jsle32, set: a.jset32,
};

const JA = Class.JMP | JmpOp.JA;

/** A block that only returns (a constant): laid out last, shared by every early return. */
function isExitBlock(b: Block): boolean {
  return b.term.op === 'ret' && b.insts.length <= 1 && b.insts.every((i) => i.op === 'mov' && isImm(i.src));
}

/**
 * Traces: from each unplaced block, keep placing the successor control falls into, so that most
 * jumps vanish. A branch prefers a successor that is not an early exit, then one reached only
 * from here, then its false side. Exits come last, where every early return shares them.
 */
export function layoutOrder(fn: IrFunction): Block[] {
  const byId = new Map(fn.blocks.map((b) => [b.id, b]));
  const preds = new Map<number, number>();
  for (const b of fn.blocks) for (const s of successorsOf(b)) preds.set(s, (preds.get(s) ?? 0) + 1);
  const placed = new Set<number>();
  const order: Block[] = [];
  const next = (b: Block): Block | undefined => {
    const cands = successorsOf(b).map((id) => byId.get(id)!).filter((c) => !placed.has(c.id) && !isExitBlock(c));
    if (cands.length < 2) return cands[0];
    const [t, f] = cands as [Block, Block];
    const single = (c: Block) => preds.get(c.id) === 1;
    if (single(f) !== single(t)) return single(f) ? f : t;
    return f;
  };
  for (const start of fn.blocks) {
    let b: Block | undefined = start;
    if (b.id !== 0 && (placed.has(b.id) || isExitBlock(b))) continue;
    while (b && !placed.has(b.id)) {
      placed.add(b.id);
      order.push(b);
      b = next(b);
    }
  }
  return [...order, ...fn.blocks.filter((b) => !placed.has(b.id))];
}

function successorsOf(b: Block): number[] {
  const t = b.term;
  return t.op === 'br' ? [t.f, t.t] : t.op === 'jmp' ? [t.target] : [];
}

export function selectInstructions(fn: IrFunction, frame: Frame): Item[] {
  const items: Item[] = [];
  const order = layoutOrder(fn);
  const r = (v: number): Reg => reg(v);
  const operand = (o: Operand): a.Operand => (isImm(o) ? Number(o.imm) : r(o));
  const mem = (addr: Addr): [Reg, number] =>
    isSlotAddr(addr) ? [R10, frame.offsets[addr.slot]! + addr.off] : [r(addr.base), addr.off];
  const targeted = new Set(fn.blocks.flatMap((b) => (b.term.op === 'br' ? [b.term.t, b.term.f] : b.term.op === 'jmp' ? [b.term.target] : [])));
  order.forEach((b, k) => {
    const next = order[k + 1];
    if (targeted.has(b.id)) items.push(a.label(blockLabel(fn, b.id)));
    const emit = (loc: Inst['loc'], ...insns: Insn[]) => items.push(...insns.map((i) => (loc ? withSource(i, loc) : i)));
    for (const i of b.insts) emit(i.loc, ...inst(i));
    emit(b.term.loc, ...term(b.term, next));
  });
  // Labels nothing jumps to (fall-through blocks) only clutter the listing; code after an exit
  // or a goto that no label leads to is dead (a block every jump now exits from directly), and
  // the verifier refuses unreachable instructions.
  const used = new Set(items.flatMap((i) => (i.kind === 'insn' && i.target !== undefined ? [i.target] : [])));
  const out: Item[] = [];
  let dead = false;
  for (const i of items) {
    if (i.kind === 'label') {
      if (!used.has(i.name)) continue;
      dead = false;
    }
    if (dead) continue;
    out.push(i);
    if (i.kind === 'insn' && (isExit(i) || i.op === JA)) dead = true;
  }
  return out;

  function inst(i: Inst): Insn[] {
    switch (i.op) {
      case 'mov': {
        if (isImm(i.src)) {
          const v = i.src.imm;
          if (i.w === 32) return [a.mov32(r(i.dst), Number(BigInt.asIntN(32, v)))];
          if (v >= -(1n << 31n) && v < 1n << 31n) return [a.mov64(r(i.dst), Number(v))];
          return [a.ldImm64(r(i.dst), v)];
        }
        return i.w === 32 ? [a.mov32(r(i.dst), r(i.src))] : i.dst === i.src ? [] : [a.mov64(r(i.dst), r(i.src))];
      }
      case 'alu': {
        const table = i.w === 64 ? alu64 : alu32;
        const b = operand(i.b);
        if (i.dst === i.a) return [table[i.aop](r(i.dst), b)];
        if (!isImm(i.b) && i.dst === i.b) {
          // Only commutative operations get here (the allocator keeps dst off b otherwise).
          return [table[i.aop](r(i.dst), r(i.a))];
        }
        return [a.mov64(r(i.dst), r(i.a)), table[i.aop](r(i.dst), b)];
      }
      case 'neg': {
        const pre = i.dst === i.a ? [] : [a.mov64(r(i.dst), r(i.a))];
        return [...pre, i.w === 64 ? a.neg64(r(i.dst)) : a.neg32(r(i.dst))];
      }
      case 'sext':
        return [a.movsx64(r(i.dst), r(i.a), i.bits)];
      case 'bswap': {
        const pre = i.dst === i.a ? [] : [a.mov64(r(i.dst), r(i.a))];
        const swap = { 16: a.be16, 32: a.be32, 64: a.be64 }[i.bits];
        return [...pre, swap(r(i.dst))];
      }
      case 'load': {
        const [base, off] = mem(i.addr);
        const size = i.signed ? (`s${i.size * 8}` as 's8' | 's16' | 's32') : sizeName(i.size);
        return [a.ldx(size, r(i.dst), base, off)];
      }
      case 'store': {
        const [base, off] = mem(i.addr);
        return isImm(i.src) ? [a.st(sizeName(i.size), base, off, Number(i.src.imm))] : [a.stx(sizeName(i.size), base, off, r(i.src))];
      }
      case 'addr':
        return [a.mov64(r(i.dst), R10), a.add64(r(i.dst), frame.offsets[i.slot]! + i.off)];
      case 'map':
        return [a.ldMap(r(i.dst), i.map)];
      case 'call':
        return [a.call(i.helper)];
      case 'calllocal':
        return [a.callLocal(i.fn)];
      case 'atomic': {
        const [base, off] = mem(i.addr);
        return [a.atomic(i.aop, i.size === 8 ? 'u64' : 'u32', base, off, r(i.src))];
      }
      case 'slotdef':
        return [];
    }
  }

  function term(t: Terminator, next: Block | undefined): Insn[] {
    switch (t.op) {
      case 'ret':
        return [a.exit()];
      case 'jmp': {
        if (next?.id === t.target) return [];
        // A jump to a bare exit is the exit itself, one instruction either way.
        const target = fn.blocks.find((x) => x.id === t.target)!;
        if (target.insts.length === 0 && target.term.op === 'ret') return [a.exit()];
        return [a.ja(blockLabel(fn, t.target))];
      }
      case 'br': {
        const table = t.w === 64 ? jmp64 : jmp32;
        const b = operand(t.b);
        if (next?.id === t.t && negate(t.cond)) return [table[negate(t.cond)!](r(t.a), b, blockLabel(fn, t.f))];
        const out = [table[t.cond](r(t.a), b, blockLabel(fn, t.t))];
        if (next?.id !== t.f) out.push(a.ja(blockLabel(fn, t.f)));
        return out;
      }
    }
  }
}
