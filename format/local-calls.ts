// BPF-to-BPF calls that carry no relocation: clang resolves a call between two functions of the
// same section itself (main → a → c, with a and c in `.text`) and leaves only the pc-relative
// offset in imm. libbpf follows that offset to the callee; this finds the same callee, so the
// linker (link-program.ts) can append it and re-aim the call like any relocated one.

import type { BpfProgram, BpfRelocation } from './bpf-object.ts';
import { pseudoSrc, refOpcode } from './bpf-uapi.ts';

/**
 * The unrelocated local calls of `p` that leave it, as call relocations. A call whose target is
 * inside `p` itself needs no linking (the function is copied whole) and is not listed.
 */
export function unrelocatedCalls(p: BpfProgram, programs: readonly BpfProgram[], fail: (message: string) => never): BpfRelocation[] {
  const relocated = new Set(p.relocations.map((r) => r.insn));
  const view = new DataView(p.insns.buffer, p.insns.byteOffset, p.insns.byteLength);
  const calls: BpfRelocation[] = [];
  for (let insn = 0; insn * 8 < p.insns.length; insn++) {
    const at = insn * 8;
    if (p.insns[at] !== refOpcode.CALL || p.insns[at + 1]! >> 4 !== pseudoSrc.CALL || relocated.has(insn)) continue;
    const target = insn + view.getInt32(at + 4, true) + 1;
    if (target >= 0 && target * 8 < p.insns.length) continue;
    const byte = p.offset + target * 8;
    const fn = programs.find((q) => q.section === p.section && byte >= q.offset && byte < q.offset + q.insns.length);
    if (!fn) fail(`function ${p.name} insn ${insn}: call to byte ${byte} of section ${p.section}, where no function starts`);
    calls.push({ insn, kind: 'call', symbol: fn!.name, section: p.section, function: fn!.name, functionInsn: (byte - fn!.offset) / 8 });
  }
  return calls;
}
