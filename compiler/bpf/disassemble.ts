// The disassembler: a program read from any BPF object (format/elf-read.ts) back into
// assembler items: relocations become map and function names, jump targets become labels
// (`L<slot>`), line info becomes source locations. listObjectFile() lists a whole object.

import type { BpfObject, BpfProgram } from '../../format/bpf-object.ts';
import { decode } from './decode.ts';
import { encode } from './encode.ts';
import { isGotol, makeLabel, slots, targetField, withFields, type Insn, type Item, type SourceLoc } from './insn.ts';
import { listFunction } from './listing.ts';
import { Pseudo } from './opcode.ts';

/** The program's instructions with names for what its relocations and jumps refer to. */
export function disassemble(p: BpfProgram): Item[] {
  const insns = decode(p.insns);
  const slotOf: number[] = [];
  insns.reduce((s, i) => (slotOf.push(s), s + slots(i)), 0);
  const indexAt = new Map(slotOf.map((s, k) => [s, k]));
  const relocAt = new Map(p.relocations.map((r) => [r.insn, r]));
  const lineAt = new Map(p.lineInfo.map((l) => [l.insn, l]));
  const labels = new Set<number>();

  let source: SourceLoc | undefined;
  const named = insns.map((insn, k): Insn => {
    const slot = slotOf[k]!;
    const line = lineAt.get(slot);
    if (line) source = { file: line.file, line: line.line, col: line.col, text: line.text };
    let out = source ? withFields(insn, { source }) : insn;
    const r = relocAt.get(slot);
    if (r?.kind === 'map') out = withFields(out, { src: Pseudo.MAP_FD, map: r.map });
    else if (r?.kind === 'data') out = withFields(out, { src: Pseudo.MAP_VALUE, map: r.section, imm64: BigInt(r.offset) << 32n });
    else if (r?.kind === 'call' || r?.kind === 'func') {
      const target = r.functionInsn ? `${r.function}+${r.functionInsn}` : r.function;
      out = withFields(out, { target, ...(r.kind === 'func' && { src: Pseudo.FUNC }) });
    } else if (targetField(insn) === 'off' || isGotol(insn)) {
      const to = slot + 1 + (isGotol(insn) ? insn.imm : insn.off);
      if (indexAt.has(to) || to === endSlot(insns)) {
        labels.add(to);
        out = withFields(out, { target: `L${to}` });
      }
    }
    return out;
  });
  const end = endSlot(insns);
  const items: Item[] = [];
  named.forEach((insn, k) => {
    if (labels.has(slotOf[k]!)) items.push(makeLabel(`L${slotOf[k]}`));
    items.push(insn);
  });
  if (labels.has(end)) items.push(makeLabel(`L${end}`));
  return items;
}

const endSlot = (insns: Insn[]): number => insns.reduce((s, i) => s + slots(i), 0);

/** A listing of every function of a read object, in the format of listObject (listing.ts). */
export function listObjectFile(obj: BpfObject): string {
  const fns = new Set(obj.programs.flatMap((p) => [p.name, ...p.relocations.flatMap((r) => ('function' in r ? [`${r.function}+${r.functionInsn}`] : []))]));
  const ordered = [...obj.programs.filter((p) => p.role === 'entry'), ...obj.programs.filter((p) => p.role !== 'entry')];
  const blocks = ordered.map((p) =>
    listFunction({
      name: p.name,
      title: p.role === 'entry' ? `section ${p.section}` : `${p.global ? 'global' : 'static'} function in ${p.section}`,
      encoded: encode(disassemble(p), { functions: fns }),
    }).join('\n'),
  );
  return blocks.join('\n\n') + '\n';
}
