// Comparing verdicts: the kernel's (or the corpus's record of it) against the wasm verifier's.
// Soundness is the one hard rule: a program the kernel refuses must never pass here.

import type { Verdict } from '../../verifier/verdict.ts';

export type Agreement = 'agree-accept' | 'agree-reject' | 'unsound-accept' | 'false-alarm';

export function classify(kernelAccepts: boolean, ours: Verdict): Agreement {
  if (kernelAccepts) return ours.ok ? 'agree-accept' : 'false-alarm';
  return ours.ok ? 'unsound-accept' : 'agree-reject';
}

export interface Tally {
  total: number;
  agreeAccept: number;
  agreeReject: number;
  unsound: string[];
  falseAlarms: string[];
  /** False alarms whose verdict is `unsupported`: a construct we say we do not model. */
  unsupported: string[];
  /** Refused by both, with the kernel's failing instruction known: how many we place the same. */
  firstErrorCompared: number;
  firstErrorSame: number;
  /** The others: `id: kernel insn K, ours O`. */
  firstErrorElsewhere: string[];
}

export function newTally(): Tally {
  return { total: 0, agreeAccept: 0, agreeReject: 0, unsound: [], falseAlarms: [], unsupported: [], firstErrorCompared: 0, firstErrorSame: 0, firstErrorElsewhere: [] };
}

/** The kernel's failing instruction: the last `N: (op)` line of its level-1 log before the message. */
export function kernelErrorInsn(log: string): number | undefined {
  const m = [...log.matchAll(/^(\d+): \([0-9a-f]{2}\)/gm)];
  return m.length ? Number(m[m.length - 1]![1]) : undefined;
}

/** What the report may ask the kernel about one program, lazily: each costs a second load. */
export interface KernelDetail {
  /** The level-1 log, asked for only when both refuse. */
  log: () => string;
  /** The kernel's reason, asked for only for an unsound accept. */
  reason: () => string;
}

/**
 * Counts one program with everything the report shows: the agreement, `unsupported` among
 * false alarms, and, when both refuse, whether we fail at the kernel's instruction.
 */
export function tallyProgram(t: Tally, id: string, kernelAccepts: boolean, ours: Verdict, kernel: KernelDetail): Agreement {
  const a = classify(kernelAccepts, ours);
  count(t, a, a === 'unsound-accept' ? `${id}: kernel refuses: ${kernel.reason()}` : id);
  if (a === 'false-alarm' && ours.kind === 'unsupported') t.unsupported.push(id);
  if (a === 'agree-reject') {
    const k = kernelErrorInsn(kernel.log());
    if (k !== undefined) {
      t.firstErrorCompared++;
      if (k === ours.insn) t.firstErrorSame++;
      else t.firstErrorElsewhere.push(`${id}: kernel insn ${k}, ours ${ours.insn}`);
    }
  }
  return a;
}

/** Adds `b`'s counts into `a`. */
export function addTally(a: Tally, b: Tally): void {
  a.total += b.total;
  a.agreeAccept += b.agreeAccept;
  a.agreeReject += b.agreeReject;
  a.unsound.push(...b.unsound);
  a.falseAlarms.push(...b.falseAlarms);
  a.unsupported.push(...b.unsupported);
  a.firstErrorCompared += b.firstErrorCompared;
  a.firstErrorSame += b.firstErrorSame;
  a.firstErrorElsewhere.push(...b.firstErrorElsewhere);
}

export function count(t: Tally, a: Agreement, id: string): void {
  t.total++;
  if (a === 'agree-accept') t.agreeAccept++;
  else if (a === 'agree-reject') t.agreeReject++;
  else if (a === 'unsound-accept') t.unsound.push(id);
  else t.falseAlarms.push(id);
}

export function summary(t: Tally): string {
  const agree = t.agreeAccept + t.agreeReject;
  const pct = t.total ? ((100 * agree) / t.total).toFixed(1) : '100.0';
  return `${t.total} programs: agreement ${agree}/${t.total} (${pct}%), ` +
    `unsound accepts ${t.unsound.length}, false alarms ${t.falseAlarms.length}`;
}
