// CFG clean-up after lowering: thread null checks whose outcome a predecessor already knows
// (`header()` and its `if (!h)` become one bounds check), remove dead instructions, skip empty
// blocks, merge straight-line blocks, and share identical return blocks.

import { isCallInst, hasSideEffect, defs, evalCond, isImm, type Block, type Inst, type IrFunction, type VReg } from './ir.ts';
import { predecessors, redirectJumps, removeUnreachable, reorder } from './cfg.ts';
import { liveness, walkBackward } from './liveness.ts';

export function simplify(fn: IrFunction): void {
  for (let round = 0; round < 8; round++) {
    let changed = threadKnownBranches(fn);
    changed = removeDeadCode(fn) || changed;
    changed = skipEmptyBlocks(fn) || changed;
    changed = shareReturns(fn) || changed;
    removeUnreachable(fn);
    changed = mergeStraightLines(fn) || changed;
    if (!changed) break;
  }
}

type Known = { value: bigint } | { nonNull: true } | undefined;

/** What `v` holds at the end of block `b`, from its last definition there. */
function knownAtEnd(fn: IrFunction, b: Block, v: VReg): Known {
  for (let i = b.insts.length - 1; i >= 0; i--) {
    const inst = b.insts[i]!;
    if (!defs(inst).includes(v) && !(isCallInst(inst) && v <= 5)) continue;
    if (inst.op === 'mov' && inst.w === 64) {
      if (isImm(inst.src)) return { value: inst.src.imm };
      if (fn.vregs[inst.src]?.nonNull) return { nonNull: true };
    }
    if (inst.op === 'addr') return { nonNull: true };
    return undefined;
  }
  return undefined;
}

/**
 * A block that only branches on `v` against a constant, entered by a jump from a block that has
 * just set `v`: the jump can go straight to the branch's outcome.
 */
function threadKnownBranches(fn: IrFunction): boolean {
  let changed = false;
  for (const b of fn.blocks) {
    const t = b.term;
    if (b.insts.length || t.op !== 'br' || !isImm(t.b)) continue;
    for (const p of fn.blocks) {
      if (p.term.op !== 'jmp' || p.term.target !== b.id || p === b) continue;
      const k = knownAtEnd(fn, p, t.a);
      let taken: boolean | undefined;
      if (k && 'value' in k) taken = evalCond(t.cond, k.value, t.b.imm, t.w);
      else if (k && t.b.imm === 0n && (t.cond === 'eq' || t.cond === 'ne')) taken = t.cond === 'ne';
      if (taken === undefined) continue;
      p.term = { ...p.term, target: taken ? t.t : t.f };
      changed = true;
    }
  }
  return changed;
}

/** Drops instructions whose results nobody reads. */
export function removeDeadCode(fn: IrFunction): boolean {
  let changed = false;
  for (;;) {
    const { liveOut } = liveness(fn);
    let removed = false;
    for (const b of fn.blocks) {
      const dead = new Set<number>();
      walkBackward(b, liveOut.get(b.id)!, (inst, index, liveAfter) => {
        if (index < 0) return;
        const i = inst as Inst;
        if (hasSideEffect(i)) return;
        const ds = defs(i);
        // Moves into physical registers are calling-convention plumbing: never dead here.
        if (ds.length && ds.every((d) => d > 10 && !liveAfter.has(d))) dead.add(index);
        if (i.op === 'mov' && !isImm(i.src) && i.src === i.dst && i.w === 64) dead.add(index);
      });
      if (dead.size) {
        b.insts = b.insts.filter((_, i) => !dead.has(i));
        removed = true;
      }
    }
    if (!removed) return changed;
    changed = true;
  }
}

/** Jumps to a block that only jumps on go to its target directly. */
function skipEmptyBlocks(fn: IrFunction): boolean {
  let changed = false;
  for (const b of fn.blocks) {
    if (b.id === 0 || b.insts.length || b.term.op !== 'jmp' || b.term.target === b.id) continue;
    redirectJumps(fn, b.id, b.term.target);
    changed = true;
  }
  for (const b of fn.blocks) {
    if (b.term.op === 'br' && b.term.t === b.term.f) {
      b.term = { op: 'jmp', target: b.term.t, loc: b.term.loc };
      changed = true;
    }
  }
  return changed;
}

/** Blocks that only return the same constant become one. */
function shareReturns(fn: IrFunction): boolean {
  const first = new Map<string, number>();
  let changed = false;
  for (const b of fn.blocks) {
    if (b.insts.length || b.term.op !== 'ret' || b.term.value === undefined || !isImm(b.term.value)) continue;
    const key = String(b.term.value.imm);
    const keep = first.get(key);
    if (keep === undefined) first.set(key, b.id);
    else if (b.id !== 0) {
      redirectJumps(fn, b.id, keep);
      changed = true;
    }
  }
  return changed;
}

/** A block whose only predecessor jumps to it joins that predecessor. */
function mergeStraightLines(fn: IrFunction): boolean {
  let changed = false;
  for (;;) {
    const preds = predecessors(fn);
    const b = fn.blocks.find((x) => {
      if (x.term.op !== 'jmp') return false;
      const target = x.term.target;
      return target !== 0 && target !== x.id && preds.get(target)!.length === 1;
    });
    if (!b) return changed;
    const target = (b.term as { target: number }).target;
    const c = fn.blocks.find((x) => x.id === target)!;
    for (const i of c.insts) b.insts.push(i);
    b.term = c.term;
    reorder(fn, fn.blocks.filter((x) => x !== c).map((x) => x.id));
    changed = true;
  }
}
