// Stack slots share space when their lives do not overlap: the key of one map lookup and the
// key of the next can use the same bytes. A slot is born at its `slotdef` (just before its bytes
// are written) and used wherever it is accessed, directly or through a register that points
// into it (the pointer a lookup takes, a reference variable); liveness of those uses, backwards
// from each to the birth, decides which slots may overlap.

import { isImm, isSlotAddr, successors, uses, type Inst, type IrFunction, type Slot, type VReg } from '../ir/ir.ts';

/** Registers that may point into each slot, through copies and pointer arithmetic. */
function pointersInto(fn: IrFunction): Map<VReg, Set<number>> {
  const into = new Map<VReg, Set<number>>();
  const add = (v: VReg, slots: Iterable<number>) => {
    const s = into.get(v) ?? into.set(v, new Set()).get(v)!;
    let grew = false;
    for (const x of slots) if (!s.has(x)) s.add(x), (grew = true);
    return grew;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of fn.blocks) {
      for (const i of b.insts) {
        if (i.op === 'addr') changed = add(i.dst, [i.slot]) || changed;
        const from = i.op === 'mov' && !isImm(i.src) ? i.src : i.op === 'alu' && i.aop === 'add' ? i.a : undefined;
        if (from !== undefined && into.has(from)) changed = add((i as { dst: VReg }).dst, into.get(from)!) || changed;
      }
    }
  }
  return into;
}

function slotUses(i: Inst | IrFunction['blocks'][number]['term'], into: Map<VReg, Set<number>>): number[] {
  const out: number[] = [];
  if ((i.op === 'load' || i.op === 'store' || i.op === 'atomic') && isSlotAddr(i.addr)) out.push(i.addr.slot);
  for (const u of uses(i)) for (const s of into.get(u) ?? []) out.push(s);
  return out;
}

export function shareSlots(fn: IrFunction): void {
  if (fn.slots.length < 2) return;
  const into = pointersInto(fn);
  const liveIn = new Map<number, Set<number>>(fn.blocks.map((b) => [b.id, new Set()]));
  const interfere = new Map<number, Set<number>>(fn.slots.map((s) => [s.id, new Set()]));
  const edge = (a: number, b: number) => {
    if (a === b) return;
    interfere.get(a)!.add(b);
    interfere.get(b)!.add(a);
  };
  // Backward liveness of slot contents; recording interference on the last pass.
  const pass = (record: boolean): boolean => {
    let changed = false;
    for (let k = fn.blocks.length - 1; k >= 0; k--) {
      const b = fn.blocks[k]!;
      const live = new Set<number>();
      for (const s of successors(b.term)) for (const x of liveIn.get(s)!) live.add(x);
      for (const x of slotUses(b.term, into)) live.add(x);
      for (let j = b.insts.length - 1; j >= 0; j--) {
        const i = b.insts[j]!;
        if (i.op === 'slotdef') {
          if (record) for (const x of live) edge(i.slot, x);
          live.delete(i.slot);
          continue;
        }
        for (const x of slotUses(i, into)) {
          if (record) for (const y of live) edge(x, y);
          live.add(x);
        }
      }
      const before = liveIn.get(b.id)!;
      if (live.size !== before.size || [...live].some((x) => !before.has(x))) {
        liveIn.set(b.id, live);
        changed = true;
      }
    }
    return changed;
  };
  while (pass(false));
  pass(true);
  // Slots live at entry (no birth on some path) are left alone: sharing needs a clear birth.
  const pinned = liveIn.get(0)!;

  // Greedy packing, biggest first: each group shares one place in the frame.
  const groups: { members: Slot[]; size: number; align: number }[] = [];
  const order = [...fn.slots].sort((a, b) => b.size - a.size || a.id - b.id);
  const groupOf = new Map<number, number>();
  for (const s of order) {
    const g = pinned.has(s.id) ? -1 : groups.findIndex((grp) => grp.members.every((m) => !pinned.has(m.id) && !interfere.get(s.id)!.has(m.id)));
    if (g < 0) {
      groups.push({ members: [s], size: s.size, align: s.align });
      groupOf.set(s.id, groups.length - 1);
    } else {
      const grp = groups[g]!;
      grp.members.push(s);
      grp.size = Math.max(grp.size, s.size);
      grp.align = Math.max(grp.align, s.align);
      groupOf.set(s.id, g);
    }
  }
  if (groups.length === fn.slots.length) return;
  const remap = (slot: number) => groupOf.get(slot)!;
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i): Inst => {
      if ((i.op === 'load' || i.op === 'store' || i.op === 'atomic') && isSlotAddr(i.addr)) return { ...i, addr: { slot: remap(i.addr.slot), off: i.addr.off } };
      if (i.op === 'addr' || i.op === 'slotdef') return { ...i, slot: remap(i.slot) };
      return i;
    });
  }
  fn.slots = groups.map((g, id) => ({ id, size: g.size, align: g.align, name: g.members.map((m) => m.name).join(' | ') }));
}
