// Compiles Spec values in memory, for emitter tests that compare outputs byte for byte.

import { renderArtifacts, type ArtifactSet } from '../../compiler/emit/artifacts.ts';
import { buildModel } from '../../compiler/model/build.ts';
import { planCluster } from '../../compiler/plan/build.ts';
import type { Lock } from '../../compiler/plan/lock.ts';
import type { Plan } from '../../compiler/plan/types.ts';
import type { Spec } from '../../compiler/spec/types.ts';

export function compileSpec(s: Spec, lock?: Lock): { set: ArtifactSet; plan: Plan } {
  const r = planCluster(buildModel(s), lock);
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const a = renderArtifacts(r.plan, s.inputs);
  if (!a.artifacts) throw new Error(a.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return { set: a.artifacts, plan: r.plan };
}

export function fileText(set: ArtifactSet, path: string): string {
  const b = set.files.get(path);
  if (!b) throw new Error(`${path}: not among the generated files (${[...set.files.keys()].join(', ')})`);
  return Buffer.from(b).toString('utf8');
}

/** Lines only in `a`, and lines only in `b` (as a multiset), for one-line-diff assertions. */
export function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const count = (s: string) => {
    const m = new Map<string, number>();
    for (const l of s.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [l, n] of ca) for (let i = (cb.get(l) ?? 0); i < n; i++) removed.push(l);
  for (const [l, n] of cb) for (let i = (ca.get(l) ?? 0); i < n; i++) added.push(l);
  return { removed, added };
}

/** A deterministic shuffle (a seeded LCG), so a failure reproduces. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
