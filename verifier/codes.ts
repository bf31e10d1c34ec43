// The verifier's diagnostic codes (SY5xxx), as data, and verdicts turned into diagnostics that
// point at the BPF-TS source line of the failing instruction when the object has line info.

import { defineCodes, type Diagnostic } from '../compiler/diagnostics.ts';
import type { VerifyInput } from './input.ts';
import type { Verdict } from './verdict.ts';

export const codes = defineCodes({
  SY5001: { severity: 'error', title: 'the program breaks a verifier rule' },
  SY5002: { severity: 'error', title: 'the program is too large or too complex to verify' },
  SY5003: { severity: 'error', title: 'the program is malformed' },
  SY5004: { severity: 'error', title: 'the program uses something the WebAssembly verifier does not model' },
  SY5010: { severity: 'error', title: 'cannot read a BPF object' },
  SY5011: { severity: 'warning', title: 'the kernel verifier and the WebAssembly verifier disagree' },
  SY5012: { severity: 'error', title: 'cannot load an object into the kernel with libbpf (verify --kernel)' },
});

const byKind = {
  rejected: codes.SY5001,
  'too-complex': codes.SY5002,
  malformed: codes.SY5003,
  unsupported: codes.SY5004,
} as const;

/** The refusal as a diagnostic: `xdp-lb.ts:62:5: error SY5001: program xdp/xdp_lb (lb.o) insn 126: ...`. */
export function verdictDiagnostic(input: VerifyInput, v: Verdict, object: string): Diagnostic | undefined {
  if (v.ok) return undefined;
  const info = byKind[v.kind as keyof typeof byKind] ?? codes.SY5001;
  const [first, ...rest] = v.message.split('\n');
  const notes = [...rest];
  if (v.line?.text) notes.push(`source: ${v.line.text}`);
  if (v.kind === 'unsupported') notes.push('the kernel may accept it: check with `switchyard verify --kernel` on a node');
  return {
    code: info.code,
    severity: info.severity,
    message: `program ${input.name} (${object}) insn ${v.insn}: ${first}`,
    ...(v.line ? { range: { file: v.line.file, line: v.line.line, col: Math.max(1, v.line.col) } } : {}),
    ...(notes.length ? { notes } : {}),
  };
}
