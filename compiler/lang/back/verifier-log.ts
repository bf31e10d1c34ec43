// The kernel verifier's refusal, mapped back to BPF-TS: its log names the instruction it stopped
// at ("17: (61) r1 = *(u32 *)(r2 +0)") and then the reason; every instruction we emit carries
// the source line it came from, so the diagnostic points at that line instead of a slot number.

import type { Diagnostic } from '../../diagnostics.ts';
import type { Encoded } from '../../bpf/encode.ts';
import { formatInsn } from '../../bpf/syntax.ts';
import { codes } from '../codes.ts';

export function explainVerifierLog(program: string, log: string, encoded: Encoded): Diagnostic {
  const lines = log.trimEnd().split('\n').filter((l) => l.trim() !== '');
  const reason = lines.findLast((l) => !/^processed \d+ insns|^verification time|^\d+: |^;|^from \d+ to \d+|^R\d|^\s/.test(l)) ?? lines.at(-1) ?? 'no verifier log';
  let slot: number | undefined;
  for (const l of lines) {
    const m = /^(\d+): \([0-9a-f]{2}\)/.exec(l);
    if (m) slot = Number(m[1]);
  }
  const index = slot === undefined ? -1 : encoded.slotOf.indexOf(slot);
  const insn = index >= 0 ? encoded.insns[index] : undefined;
  const src = insn?.source;
  const where = slot === undefined ? '' : ` at instruction ${slot}${insn ? ` (${formatInsn(insn, { symbolic: true })})` : ''}`;
  return {
    code: codes.SY3070.code,
    severity: 'error',
    message: `the kernel verifier refused ${program}${where}: ${reason.trim()}`,
    range: src ? { file: src.file, line: src.line, col: src.col } : undefined,
    notes: src ? [src.text] : undefined,
  };
}
