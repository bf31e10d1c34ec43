// Register allocation by graph colouring (Chaitin-Briggs, optimistic), over r0..r9 (r10 is the
// frame pointer). Calls clobber r0..r5, so values live across a call can only take r6..r9; the
// colour of a move's other end is preferred, so most of the calling convention's moves vanish.
// Values that find no colour are spilled to 8-byte stack slots (the verifier keeps a pointer's
// type only across full 8-byte spills) or, when they are constants, recomputed at each use.

import { loopDepth } from '../ir/cfg.ts';
import {
  CLOBBERED,
  commutative,
  defs,
  isCallInst,
  isImm,
  isPhys,
  PHYS_REGS,
  uses,
  type Block,
  type Inst,
  type IrFunction,
  type Terminator,
  type VReg,
} from '../ir/ir.ts';
import { liveness, walkBackward } from '../ir/liveness.ts';

/** r0..r9. */
const COLORS = 10;
const R10 = 10;

export interface Allocation {
  /** Physical register of every virtual register that survived. */
  readonly colour: Map<VReg, number>;
  /** Stack slots added for spills. */
  readonly spills: number;
}

class Graph {
  readonly adj = new Map<VReg, Set<VReg>>();
  readonly moves = new Map<VReg, Set<VReg>>();
  node(v: VReg): Set<VReg> {
    let s = this.adj.get(v);
    if (!s) this.adj.set(v, (s = new Set()));
    return s;
  }
  edge(a: VReg, b: VReg): void {
    if (a === b || a === R10 || b === R10) return;
    this.node(a).add(b);
    this.node(b).add(a);
  }
  move(a: VReg, b: VReg): void {
    if (a === b) return;
    (this.moves.get(a) ?? this.moves.set(a, new Set()).get(a)!).add(b);
    (this.moves.get(b) ?? this.moves.set(b, new Set()).get(b)!).add(a);
  }
}

function build(fn: IrFunction): Graph {
  const g = new Graph();
  const { liveOut } = liveness(fn);
  for (const b of fn.blocks) {
    walkBackward(b, liveOut.get(b.id)!, (i, index, live) => {
      for (const u of uses(i)) g.node(u);
      const ds = defs(i);
      for (const d of ds) g.node(d);
      if (index < 0) return;
      const inst = i as Inst;
      if (inst.op === 'mov' && !isImm(inst.src) && inst.w === 64) {
        g.move(inst.dst, inst.src);
        for (const l of live) if (l !== inst.src) g.edge(inst.dst, l);
        return;
      }
      for (const d of ds) for (const l of live) g.edge(d, l);
      if (isCallInst(inst)) for (const c of CLOBBERED) for (const l of live) g.edge(c, l);
      // dst = a op b becomes `dst = a; dst op= b`: dst must not be b's register (unless it can swap).
      if (inst.op === 'alu' && !isImm(inst.b) && inst.b !== inst.a && !commutative.has(inst.aop)) g.edge(inst.dst, inst.b);
      if (inst.op === 'alu' && inst.w === 32) g.move(inst.dst, inst.a);
      if (inst.op === 'alu' && inst.w === 64) g.move(inst.dst, inst.a);
      if (inst.op === 'neg' || inst.op === 'bswap') g.move(inst.dst, inst.a);
    });
  }
  return g;
}

/** Spill cost: accesses weighted by loop depth; temporaries of earlier spills are never picked. */
function costs(fn: IrFunction, unspillable: ReadonlySet<VReg>): Map<VReg, number> {
  const depth = loopDepth(fn);
  const cost = new Map<VReg, number>();
  for (const b of fn.blocks) {
    const w = 10 ** Math.min(depth.get(b.id) ?? 0, 4);
    const add = (v: VReg) => cost.set(v, (cost.get(v) ?? 0) + w);
    for (const i of [...b.insts, b.term]) {
      uses(i).forEach(add);
      defs(i).forEach(add);
    }
  }
  for (const v of unspillable) cost.set(v, Infinity);
  return cost;
}

/**
 * Conservative coalescing (Briggs for two virtual registers, George against a physical one):
 * move-related registers that do not interfere share one node, and the move disappears, as
 * long as the merged node stays colourable. Returns each register's representative.
 */
function coalesce(g: Graph): Map<VReg, VReg> {
  const alias = new Map<VReg, VReg>();
  const find = (v: VReg): VReg => {
    while (alias.has(v)) v = alias.get(v)!;
    return v;
  };
  const degree = (n: VReg) => (isPhys(n) ? Infinity : g.adj.get(n)!.size);
  const pairs: [VReg, VReg][] = [];
  for (const [a, bs] of g.moves) for (const b of bs) if (a < b) pairs.push([a, b]);
  let merged = true;
  while (merged) {
    merged = false;
    for (const [a0, b0] of pairs) {
      let x = find(a0);
      let y = find(b0);
      if (x === y || (isPhys(x) && isPhys(y)) || x === R10 || y === R10) continue;
      if (isPhys(x)) [x, y] = [y, x];
      const ax = g.adj.get(x)!;
      if (ax.has(y)) continue;
      let ok: boolean;
      if (isPhys(y)) {
        ok = [...ax].every((t) => isPhys(t) || degree(t) < COLORS || g.adj.get(t)!.has(y));
      } else {
        const both = new Set([...ax, ...g.adj.get(y)!]);
        ok = [...both].filter((n) => degree(n) >= COLORS).length < COLORS;
      }
      if (!ok) continue;
      for (const n of ax) {
        g.adj.get(n)!.delete(x);
        if (n !== y) g.edge(n, y);
      }
      g.adj.delete(x);
      for (const p of g.moves.get(x) ?? []) g.move(y, p === x ? y : p);
      alias.set(x, y);
      merged = true;
    }
  }
  return new Map([...alias.keys()].map((v) => [v, find(v)]));
}

function colour(fn: IrFunction, g: Graph, unspillable: ReadonlySet<VReg>): { colour: Map<VReg, number>; spilled: VReg[] } {
  const single = costs(fn, unspillable);
  const alias = coalesce(g);
  const rep = (v: VReg) => alias.get(v) ?? v;
  const members = new Map<VReg, VReg[]>();
  for (const v of single.keys()) if (!isPhys(v)) (members.get(rep(v)) ?? members.set(rep(v), []).get(rep(v))!).push(v);
  const cost = new Map<VReg, number>();
  for (const [r, ms] of members) cost.set(r, ms.reduce((n, m) => n + (single.get(m) ?? 0), 0));

  const virt = [...g.adj.keys()].filter((v) => !isPhys(v)).sort((a, b) => a - b);
  const degree = new Map(virt.map((v) => [v, g.adj.get(v)!.size]));
  const stack: VReg[] = [];
  const remaining = new Set(virt);
  while (remaining.size) {
    let pick: VReg | undefined;
    for (const v of remaining) {
      if (degree.get(v)! < COLORS) {
        pick = v;
        break;
      }
    }
    if (pick === undefined) {
      let best = Infinity;
      for (const v of remaining) {
        const c = (cost.get(v) ?? 0) / Math.max(degree.get(v)!, 1);
        if (c < best || pick === undefined) [best, pick] = [c, v];
      }
    }
    remaining.delete(pick!);
    stack.push(pick!);
    for (const n of g.adj.get(pick!)!) if (degree.has(n)) degree.set(n, degree.get(n)! - 1);
  }
  const col = new Map<VReg, number>();
  for (let r = 0; r < PHYS_REGS; r++) col.set(r, r);
  const spilled: VReg[] = [];
  while (stack.length) {
    const v = stack.pop()!;
    const taken = new Set<number>();
    for (const n of g.adj.get(v)!) {
      const c = col.get(n);
      if (c !== undefined) taken.add(c);
    }
    const free = Array.from({ length: COLORS }, (_, r) => r).filter((r) => !taken.has(r));
    if (free.length === 0) {
      for (const m of members.get(v) ?? [v]) spilled.push(m);
      continue;
    }
    // Prefer a move partner's register (the move disappears); avoid registers that an uncoloured
    // neighbour's partners hold (its move could still disappear); else the lowest free one.
    const partners = [...(g.moves.get(v) ?? [])];
    const biased = partners.map((p) => col.get(p)).find((c) => c !== undefined && free.includes(c));
    const wanted = new Set<number>();
    for (const n of g.adj.get(v)!) {
      if (col.has(n)) continue;
      for (const p of g.moves.get(n) ?? []) {
        const c = col.get(p);
        if (c !== undefined) wanted.add(c);
      }
    }
    col.set(v, biased ?? free.find((r) => !wanted.has(r)) ?? free[0]!);
  }
  for (const [v, r] of alias) if (col.has(r)) col.set(v, col.get(r)!);
  return { colour: col, spilled };
}

/** Rewrites the function so that each spilled register lives in memory between its uses. */
function spill(fn: IrFunction, spilled: VReg[], unspillable: Set<VReg>): number {
  let slots = 0;
  for (const v of spilled) {
    const defsOf: Inst[] = fn.blocks.flatMap((b) => b.insts.filter((i) => defs(i).includes(v)));
    const remat = defsOf.length === 1 && isRematerialisable(defsOf[0]!) ? defsOf[0]! : undefined;
    let slot = -1;
    if (!remat) {
      slot = fn.slots.length;
      fn.slots.push({ id: slot, size: 8, align: 8, name: `spill ${fn.vregs[v]?.name ?? `%${v}`}` });
      slots++;
    }
    const fresh = (): VReg => {
      fn.vregs.push({ ...fn.vregs[v] });
      const n = fn.vregs.length - 1;
      unspillable.add(n);
      return n;
    };
    for (const b of fn.blocks) {
      const out: Inst[] = [];
      const reload = <T extends Inst | Terminator>(i: T): T => {
        if (!uses(i).includes(v)) return i;
        const t = fresh();
        if (remat) out.push({ ...replaceDef(remat, t), loc: i.loc });
        else out.push({ op: 'load', dst: t, addr: { slot, off: 0 }, size: 8, signed: false, loc: i.loc });
        return replaceUses(i, v, t);
      };
      for (const inst of b.insts) {
        const i = reload(inst);
        if (!defs(i).includes(v)) {
          out.push(i);
        } else if (!remat) {
          const t = fresh();
          out.push(replaceDef(i, t), { op: 'store', addr: { slot, off: 0 }, size: 8, src: t, loc: i.loc });
        }
        // A rematerialised value's only definition goes: each use computes it afresh.
      }
      const term = reload(b.term);
      b.insts = out;
      b.term = term;
    }
  }
  return slots;
}

function isRematerialisable(i: Inst): boolean {
  return (i.op === 'mov' && isImm(i.src)) || i.op === 'addr' || i.op === 'map';
}

function replaceDef(i: Inst, to: VReg): Inst {
  return 'dst' in i && i.dst !== undefined ? ({ ...i, dst: to } as Inst) : i;
}

function replaceUses<T extends Inst | Terminator>(i: T, from: VReg, to: VReg): T {
  const r = (o: unknown) => (o === from ? to : o);
  const x = { ...i } as Record<string, unknown>;
  for (const k of ['src', 'a', 'b', 'base']) if (k in x) x[k] = r(x[k]);
  if ('addr' in x && x.addr && typeof x.addr === 'object' && 'base' in (x.addr as object)) {
    const a = x.addr as { base: VReg; off: number };
    x.addr = { ...a, base: r(a.base) as VReg };
  }
  if ('value' in x) x.value = r(x.value);
  if ('args' in x) x.args = (x.args as unknown[]).map(r);
  return x as T;
}

/** Allocates registers in place: every virtual register becomes r0..r9. */
export function allocateRegisters(fn: IrFunction): Allocation {
  const unspillable = new Set<VReg>();
  let spills = 0;
  for (let round = 0; round < 20; round++) {
    const g = build(fn);
    const { colour: col, spilled } = colour(fn, g, unspillable);
    if (spilled.length === 0) {
      rewriteToPhysical(fn, col);
      return { colour: col, spills };
    }
    spills += spill(fn, spilled, unspillable);
  }
  throw new Error(`${fn.name}: register allocation did not converge`);
}

function rewriteToPhysical(fn: IrFunction, col: Map<VReg, number>): void {
  const map = (v: VReg): VReg => (isPhys(v) ? v : (col.get(v) ?? v));
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i) => mapRegs(i, map)).filter((i) => !(i.op === 'mov' && !isImm(i.src) && i.src === i.dst && i.w === 64));
    b.term = mapRegs(b.term, map);
  }
}

function mapRegs<T extends Inst | Terminator | Block['term']>(i: T, map: (v: VReg) => VReg): T {
  const x = { ...i } as Record<string, unknown>;
  const m = (o: unknown) => (typeof o === 'number' ? map(o) : o);
  for (const k of ['dst', 'src', 'a', 'b']) if (k in x && x[k] !== undefined) x[k] = m(x[k]);
  if ('addr' in x && x.addr && typeof x.addr === 'object' && 'base' in (x.addr as object)) {
    const a = x.addr as { base: VReg; off: number };
    x.addr = { ...a, base: map(a.base) };
  }
  if ('value' in x && x.value !== undefined) x.value = m(x.value);
  if ('args' in x) x.args = (x.args as unknown[]).map(m);
  return x as T;
}
