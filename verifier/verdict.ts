// The verifier's answer about one program, as plain data for the CLI, the compiler and tests.

import type { LineInfo } from './input.ts';

/** Mirrors verifier/assembly/errors.ts. */
export const VerdictCode = {
  0: 'accepted',
  1: 'rejected',
  2: 'too-complex',
  3: 'malformed',
  4: 'unsupported',
} as const;

export type VerdictKind = (typeof VerdictCode)[keyof typeof VerdictCode];

export interface Verdict {
  /** The program passes every rule. */
  ok: boolean;
  /**
   * Why not: `rejected` (a rule is broken, as the kernel would say), `too-complex` (size or
   * the 1M processed-instruction limit), `malformed` (the kernel would refuse it before
   * verifying), `unsupported` (a construct this verifier does not model: refused so as never
   * to pass what the kernel might not).
   */
  kind: VerdictKind;
  /** Kernel-like message; empty when ok. */
  message: string;
  /** Instruction (slot) index of the failure, -1 when ok. */
  insn: number;
  /** Instructions processed, counted as the kernel counts them. */
  processed: number;
  /** Explored states kept for pruning. */
  states: number;
  peakStates: number;
  /** Deepest stack use of the main program, bytes. */
  stackDepth: number;
  /** Walks over the program: one more each time branches decided by value were found. */
  walks: number;
  /** Branches whose operands counted as uses of precision in the last walk. */
  decidedBranches: number;
  /** The source line of the failing instruction, when line info was given. */
  line?: LineInfo;
}

/** The line info entry covering slot `insn`: the last one starting at or before it. */
export function lineAt(lines: readonly LineInfo[] | undefined, insn: number): LineInfo | undefined {
  if (!lines || insn < 0) return undefined;
  let best: LineInfo | undefined;
  for (const l of lines) if (l.insn <= insn && (!best || l.insn >= best.insn)) best = l;
  return best;
}

/** `insn 12 (lb.ts:40): R2 invalid mem access 'scalar'` */
export function formatVerdict(v: Verdict): string {
  if (v.ok) return `accepted (${v.processed} insns processed, ${v.states} states)`;
  const where = v.line ? ` (${v.line.file}:${v.line.line})` : '';
  return `insn ${v.insn}${where}: ${v.message}${v.kind === 'rejected' ? '' : ` [${v.kind}]`}`;
}
