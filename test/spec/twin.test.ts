// The kubectl List twin of the demo loads into the same Spec as the compact demo: the two front
// ends agree on every field but source ranges and input files.

import test from 'ava';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadSpec } from '../../compiler/spec/load.ts';
import type { Spec } from '../../compiler/spec/types.ts';

/**
 * The Spec without what necessarily differs between two sets of files: ranges, inputs, and the
 * EndpointSlice an endpoint came from (the compact format has none).
 */
function meaning(spec: Spec): unknown {
  return JSON.parse(JSON.stringify({ ...spec, inputs: undefined }, (k, v) => (k === 'at' || k === 'pos' || k === 'slice' ? undefined : v)));
}

test('the kubectl List twin of the demo loads into the same Spec as the compact demo', (t) => {
  const compact = loadSpec(['specs/demo']);
  const twin = loadSpec(['test/spec/twin']);
  t.deepEqual(twin.diagnostics.map(formatDiagnostic), []);
  t.deepEqual(compact.diagnostics.map(formatDiagnostic), []);
  // The twin's lb carries the status a cluster wrote (the address the pool gives the compact
  // demo); the compact format has no status. Everything else agrees.
  const lb = twin.spec!.services.find((s) => s.name === 'lb')!;
  t.deepEqual(lb.loadBalancerIngress?.map((e) => [e.ip, e.ipMode]), [['10.3.0.1', 'VIP']]);
  delete lb.loadBalancerIngress;
  t.deepEqual(meaning(twin.spec!), meaning(compact.spec!));
  // The comparison is not vacuous: the twin really came from manifests.
  t.deepEqual(twin.spec!.inputs.map((i) => i.file), ['test/spec/twin/cluster.yaml', 'test/spec/twin/list.yaml']);
  t.is(twin.spec!.services.length, 5);
  t.is(twin.spec!.hostPorts.length, 2);
});
