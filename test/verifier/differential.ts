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
}

export function newTally(): Tally {
  return { total: 0, agreeAccept: 0, agreeReject: 0, unsound: [], falseAlarms: [] };
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
