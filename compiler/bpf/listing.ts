// Listings for review: each function's instructions in kernel/llvm syntax (syntax.ts), with
// labels on their own lines, map and function names instead of fds and offsets, helper names,
// and the datapath source line above the instructions it produced. Stable text, diffable.

import type { Encoded } from './encode.ts';
import { helperName } from '../../format/bpf-helpers.ts';
import { isHelperCall, type SourceLoc } from './insn.ts';
import type { BuiltObject } from './object.ts';
import { formatInsn } from './syntax.ts';

/** Where trailing comments start, so that they line up. */
const COMMENT_COLUMN = 48;

export interface ListedFunction {
  name: string;
  /** What follows the name on its header line, e.g. `section xdp`. */
  title: string;
  encoded: Encoded;
}

const sameLine = (a: SourceLoc | undefined, b: SourceLoc | undefined): boolean =>
  !!a && !!b && a.file === b.file && a.line === b.line;

/** One function: a header line, then source comments, labels and numbered instructions. */
export function listFunction(f: ListedFunction): string[] {
  const { insns, slotOf, labels } = f.encoded;
  const labelsAt = new Map<number, string[]>();
  for (const [name, slot] of labels) (labelsAt.get(slot) ?? labelsAt.set(slot, []).get(slot)!).push(name);
  const slots = insns.length ? slotOf[insns.length - 1]! + (insns[insns.length - 1]!.imm64 !== undefined ? 2 : 1) : 0;
  const width = String(Math.max(slots - 1, 0)).length;
  const out = [`${f.name}:  ; ${f.title}, ${slots} instruction slot${slots === 1 ? '' : 's'}`];
  let last: SourceLoc | undefined;
  insns.forEach((insn, k) => {
    const slot = slotOf[k]!;
    for (const l of labelsAt.get(slot) ?? []) out.push(`${l}:`);
    if (insn.source?.file && !sameLine(insn.source, last)) {
      out.push(`; ${insn.source.file}:${insn.source.line}  ${insn.source.text.trim()}`);
      last = insn.source;
    }
    let text = formatInsn(insn, { symbolic: true });
    if (insn.target !== undefined && !text.includes(insn.target)) text += ` <${insn.target}>`;
    const note = isHelperCall(insn) ? helperName(insn.imm) : undefined;
    const line = `  ${String(slot).padStart(width)}: ${text}`;
    out.push(note ? `${line.padEnd(COMMENT_COLUMN)} ; ${note}` : line);
  });
  for (const l of labelsAt.get(slots) ?? []) out.push(`${l}:`);
  return out;
}

/** The whole object: entry programs in definition order, then the `.text` functions. */
export function listObject(built: BuiltObject): string {
  const fs = [...built.functions.filter((f) => f.role === 'entry'), ...built.functions.filter((f) => f.role !== 'entry')];
  const blocks = fs.map((f) =>
    listFunction({
      name: f.name,
      title: f.role === 'entry' ? `section ${f.section}` : `static function in ${f.section}`,
      encoded: f.encoded,
    }).join('\n'),
  );
  return blocks.join('\n\n') + '\n';
}
