// Liveness of registers (virtual and physical) over the CFG: which are live on entry to and
// exit from each block, and a backward walk that gives the set live after each instruction.
// Dead-code removal and register allocation both build on it.

import { defs, successors, uses, type Block, type Inst, type IrFunction, type VReg } from './ir.ts';
import { CLOBBERED, isCallInst } from './ir.ts';

export interface Liveness {
  liveIn: Map<number, Set<VReg>>;
  liveOut: Map<number, Set<VReg>>;
}

export function liveness(fn: IrFunction): Liveness {
  const liveIn = new Map<number, Set<VReg>>();
  const liveOut = new Map<number, Set<VReg>>();
  const gen = new Map<number, Set<VReg>>();
  const kill = new Map<number, Set<VReg>>();
  for (const b of fn.blocks) {
    const g = new Set<VReg>();
    const k = new Set<VReg>();
    const visit = (i: Inst | Block['term']) => {
      for (const u of uses(i)) if (!k.has(u)) g.add(u);
      for (const d of defs(i)) k.add(d);
      if ('op' in i && (i.op === 'call' || i.op === 'calllocal')) for (const r of CLOBBERED) k.add(r);
    };
    b.insts.forEach(visit);
    visit(b.term);
    gen.set(b.id, g);
    kill.set(b.id, k);
    liveIn.set(b.id, new Set());
    liveOut.set(b.id, new Set());
  }
  // Iterate in reverse block order until nothing changes (backward problem).
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = fn.blocks.length - 1; i >= 0; i--) {
      const b = fn.blocks[i]!;
      const out = liveOut.get(b.id)!;
      for (const s of successors(b.term)) for (const v of liveIn.get(s)!) out.add(v);
      const inn = new Set(gen.get(b.id));
      const k = kill.get(b.id)!;
      for (const v of out) if (!k.has(v)) inn.add(v);
      if (inn.size !== liveIn.get(b.id)!.size) {
        liveIn.set(b.id, inn);
        changed = true;
      }
    }
  }
  return { liveIn, liveOut };
}

/**
 * Walks a block backwards, calling `visit(inst, liveAfter)` for the terminator (index -1) and each
 * instruction, with the set of registers live just after it (the set is mutated as the walk goes).
 */
export function walkBackward(
  b: Block,
  liveOut: Set<VReg>,
  visit: (inst: Inst | Block['term'], index: number, liveAfter: Set<VReg>) => void,
): void {
  const live = new Set(liveOut);
  const step = (i: Inst | Block['term'], index: number) => {
    visit(i, index, live);
    for (const d of defs(i)) live.delete(d);
    if (index >= 0 && isCallInst(i as Inst)) for (const r of CLOBBERED) live.delete(r);
    for (const u of uses(i)) live.add(u);
  };
  step(b.term, -1);
  for (let i = b.insts.length - 1; i >= 0; i--) step(b.insts[i]!, i);
}
