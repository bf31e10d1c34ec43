// Control-flow graph queries and edits shared by the IR passes: reachability, predecessors,
// dropping unreachable blocks (renumbering the rest), and loop depth for spill costs.

import { successors, type Block, type IrFunction, type Terminator } from './ir.ts';

export function reachable(fn: IrFunction): Set<number> {
  const seen = new Set<number>();
  const stack = [0];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || !fn.blocks[id]) continue;
    seen.add(id);
    stack.push(...successors(fn.blocks[id]!.term));
  }
  return seen;
}

export function predecessors(fn: IrFunction): Map<number, number[]> {
  const preds = new Map<number, number[]>(fn.blocks.map((b) => [b.id, []]));
  for (const b of fn.blocks) for (const s of successors(b.term)) preds.get(s)!.push(b.id);
  return preds;
}

function retarget(t: Terminator, map: (id: number) => number): Terminator {
  switch (t.op) {
    case 'br':
      return { ...t, t: map(t.t), f: map(t.f) };
    case 'jmp':
      return { ...t, target: map(t.target) };
    case 'ret':
      return t;
  }
}

/** Keeps the blocks in `order` (entry first), renumbered 0..n-1 in that order. */
export function reorder(fn: IrFunction, order: number[]): void {
  const byId = new Map(fn.blocks.map((b) => [b.id, b]));
  const newId = new Map(order.map((id, i) => [id, i]));
  const map = (id: number): number => {
    const n = newId.get(id);
    if (n === undefined) throw new Error(`${fn.name}: jump to dropped block b${id}`);
    return n;
  };
  fn.blocks = order.map((id, i): Block => {
    const b = byId.get(id)!;
    return { id: i, insts: b.insts, term: retarget(b.term, map) };
  });
}

/** Drops unreachable blocks, keeping the others in their order. */
export function removeUnreachable(fn: IrFunction): void {
  const live = reachable(fn);
  reorder(fn, fn.blocks.filter((b) => live.has(b.id)).map((b) => b.id));
}

/** Rewrites every jump to `from` into a jump to `to`. */
export function redirectJumps(fn: IrFunction, from: number, to: number): void {
  for (const b of fn.blocks) b.term = retarget(b.term, (id) => (id === from ? to : id));
}

/**
 * Loop nesting depth of each block, from back edges of a depth-first walk: a block inside a loop
 * is weighted when choosing what to spill. Approximate (natural loops of reducible graphs,
 * which is all structured lowering produces).
 */
export function loopDepth(fn: IrFunction): Map<number, number> {
  const depth = new Map<number, number>(fn.blocks.map((b) => [b.id, 0]));
  const preds = predecessors(fn);
  const order: number[] = [];
  const state = new Map<number, 'open' | 'done'>();
  const backEdges: [number, number][] = [];
  const visit = (id: number): void => {
    state.set(id, 'open');
    for (const s of successors(fn.blocks[id]!.term)) {
      if (state.get(s) === 'open') backEdges.push([id, s]);
      else if (!state.has(s)) visit(s);
    }
    state.set(id, 'done');
    order.push(id);
  };
  if (fn.blocks.length) visit(0);
  for (const [tail, head] of backEdges) {
    // The natural loop: head plus everything that reaches tail without passing head.
    const body = new Set([head, tail]);
    const work = [tail];
    while (work.length) {
      const n = work.pop()!;
      if (n === head) continue;
      for (const p of preds.get(n) ?? []) if (!body.has(p)) body.add(p), work.push(p);
    }
    for (const n of body) depth.set(n, depth.get(n)! + 1);
  }
  return depth;
}
