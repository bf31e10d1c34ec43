// The BPF-TS source lines a run executed, from the linked program's line info (.BTF.ext
// line_info): each executed instruction slot maps to the line-info record at or before it; runs
// of the same line collapse, so a loop shows as the lines it went through, in order.

import type { LinkedProgram } from '../../format/link-program.ts';

export interface SourceLine {
  file: string;
  line: number;
  text: string;
}

export function executedLines(linked: LinkedProgram, pcs: readonly number[]): SourceLine[] {
  const info = [...linked.lineInfo].sort((a, b) => a.insn - b.insn);
  if (!info.length) return [];
  // The record covering each slot: the last one starting at or before it.
  const slots = linked.insns.length / 8;
  const cover = new Array<number>(slots).fill(-1);
  let j = -1;
  for (let s = 0; s < slots; s++) {
    while (j + 1 < info.length && info[j + 1]!.insn <= s) j++;
    cover[s] = j;
  }
  const out: SourceLine[] = [];
  let last = -1;
  for (const pc of pcs) {
    const k = cover[pc] ?? -1;
    if (k < 0 || k === last) continue;
    last = k;
    const r = info[k]!;
    const prev = out[out.length - 1];
    if (prev && prev.file === r.file && prev.line === r.line) continue;
    out.push({ file: r.file, line: r.line, text: r.text.trim() });
  }
  return out;
}
