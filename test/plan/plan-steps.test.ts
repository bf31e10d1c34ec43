// planCluster's steps (compiler/plan/build.ts) as data: each step fills its own part of the
// shared state, after the steps it reads from, so that the list's order is the only ordering.

import test from 'ava';
import { Diagnostics } from '../../compiler/diagnostics.ts';
import { buildModel } from '../../compiler/model/build.ts';
import { planCluster, planSteps } from '../../compiler/plan/build.ts';
import { emptyLock } from '../../compiler/plan/lock.ts';
import type { PlanState } from '../../compiler/plan/plan-state.ts';
import { talkSpec } from './helpers.ts';

/** The fields each step fills, in step order. */
const fills: Record<string, string[]> = {
  allocate: ['clusterIPs', 'loadBalancerIPs', 'ports'],
  frontends: ['serviceFrontends', 'owned', 'hostFrontends'],
  ids: ['idOf'],
  units: ['services', 'hostPorts', 'backends'],
  'backends-per-service': [],
  entries: ['entries', 'hostEntries'],
  maglev: ['maglev', 'maglevOptions'],
  tables: ['zones', 'nodes'],
  'source-ranges': ['sourceRanges'],
};

test('the steps are named once each, and each fills exactly its own fields', (t) => {
  t.deepEqual(planSteps.map((s) => s.name), Object.keys(fills));
  const s: PlanState = { model: buildModel(talkSpec()), previous: emptyLock(), next: emptyLock(), diags: new Diagnostics() };
  let before = new Set(Object.keys(s));
  for (const step of planSteps) {
    step.run(s);
    const now = new Set(Object.keys(s));
    t.deepEqual([...now].filter((k) => !before.has(k)).sort(), [...fills[step.name]!].sort(), step.name);
    before = now;
  }
  t.false(s.diags.hasErrors);
});

test('planCluster is the steps run in order: the same plan and lock as running them by hand', (t) => {
  const model = buildModel(talkSpec());
  const r = planCluster(model);
  const s: PlanState = { model, previous: emptyLock(), next: emptyLock(), diags: new Diagnostics() };
  for (const step of planSteps) step.run(s);
  t.deepEqual(r.plan!.lock, s.next);
  t.is(r.plan!.entries.length, s.entries!.length);
  t.deepEqual(r.plan!.backends.map((b) => b.key), [...s.backends!.values()].sort((a, b) => a.id - b.id).map((b) => b.key));
});
