// Links one of our own programs symbolically, for loading without an ELF file (tests, benches,
// the packet harness): the program and every function it reaches as one item stream, ready for
// encode(). ELF objects, ours or clang's, are linked by format/link-program.ts instead.

import { localLabels, makeLabel, withFields, type Item } from './insn.ts';
import type { FunctionDef, ObjectDef, ProgramDef } from './object.ts';

type Def = ProgramDef | FunctionDef;

/**
 * One program and every function it reaches, as a single instruction stream (the program first,
 * then each function after a label with its name), for `encode(items, { maps })` and progLoad.
 * Labels are made unique per function (`fn:label`).
 */
export function linkItems(def: ObjectDef, program: string): Item[] {
  const entry = def.programs.find((p) => p.name === program);
  if (!entry) throw new Error(`link ${program}: no such program (have ${def.programs.map((p) => p.name).join(', ')})`);
  const fns = new Map((def.functions ?? []).map((f) => [f.name, f]));
  const order: Def[] = [entry];
  for (let i = 0; i < order.length; i++) {
    const d = order[i]!;
    const labels = localLabels(d.items);
    for (const item of d.items) {
      if (item.kind !== 'insn' || item.target === undefined || labels.has(item.target)) continue;
      const f = fns.get(item.target);
      if (f && !order.includes(f)) order.push(f);
    }
  }
  return order.flatMap((d, k) => {
    const labels = localLabels(d.items);
    const rename = (n: string) => (labels.has(n) ? `${d.name}:${n}` : n);
    const body = d.items.map((i) =>
      i.kind === 'label' ? makeLabel(rename(i.name)) : i.target !== undefined ? withFields(i, { target: rename(i.target) }) : i,
    );
    return k === 0 ? body : [makeLabel(d.name), ...body];
  });
}
