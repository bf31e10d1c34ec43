// loadSpec on the demo: the talk's cluster comes out whole, with defaults filled in.

import test from 'ava';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadSpec } from '../../compiler/spec/load.ts';

test('the demo spec loads without diagnostics', (t) => {
  const { spec, diagnostics } = loadSpec(['specs/demo']);
  t.deepEqual(diagnostics.map(formatDiagnostic), []);
  t.truthy(spec);
  t.is(spec!.cluster.name, 'demo');
  t.deepEqual(spec!.cluster.serviceCIDRs, { v4: '10.5.0.0/16', v6: 'fd00:10:5::/108' });
  t.deepEqual(spec!.nodes.map((n) => [n.name, n.addresses[0], n.podCIDRs[0]]), [
    ['node1', '10.0.0.1', '10.1.0.0/24'],
    ['node2', '10.0.0.2', '10.2.0.0/24'],
  ]);
  const nodeport = spec!.services.find((s) => s.name === 'nodeport')!;
  t.is(nodeport.ports[0]!.nodePort, 30001);
  t.deepEqual(nodeport.backends.map((b) => `${b.address}@${b.node}`), ['10.1.0.1@node1', '10.2.0.1@node2']);
  t.deepEqual(nodeport.backends[0]!.ports, [{ name: 'http', protocol: 'TCP', port: 80 }]);
  t.deepEqual(spec!.inputs.map((i) => i.file), ['specs/demo/cluster.yaml']);
});
