// The compact format's trafficDistribution becomes endpoint hints as the EndpointSlice controller
// would write them (spec/derive-topology-hints.ts), and those narrow each node's backends in the
// plan exactly as an EndpointSlice's hints do.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { buildModel } from '../../compiler/model/build.ts';
import { planCluster } from '../../compiler/plan/build.ts';
import { loadSpec } from '../../compiler/spec/load.ts';
import { layeredEntries } from '../plan/helpers.ts';

function load(services: string) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-hints-'));
  try {
    writeFileSync(join(dir, 'cluster.yaml'), `cluster:
  name: hints
  serviceCIDRs: {v4: 10.96.0.0/12}
nodes:
  - {name: node1, addresses: [10.0.0.1], zone: zone-a}
  - {name: node2, addresses: [10.0.0.2], zone: zone-b}
  - {name: node3, addresses: [10.0.0.3], zone: zone-b}
services:
${services}`);
    const r = loadSpec([dir]);
    return { spec: r.spec!, diagnostics: r.diagnostics.map(formatDiagnostic) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const backends = `    ports: [{port: 80}]
    backends:
      - {address: 10.1.0.1, node: node1}
      - {address: 10.2.0.1, node: node2}`;

test('PreferSameZone hints each backend for its node\'s zone; PreferSameNode for its node too; none without the field', (t) => {
  const { spec, diagnostics } = load(`  - name: zone
    trafficDistribution: PreferSameZone
${backends}
  - name: node
    trafficDistribution: PreferSameNode
${backends}
  - name: plain
${backends}
`);
  t.deepEqual(diagnostics, []);
  t.deepEqual(spec.services.map((s) => [s.name, s.backends.map((b) => b.hints)]), [
    ['node', [{ forZones: ['zone-a'], forNodes: ['node1'] }, { forZones: ['zone-b'], forNodes: ['node2'] }]],
    ['plain', [{ forZones: [], forNodes: [] }, { forZones: [], forNodes: [] }]],
    ['zone', [{ forZones: ['zone-a'], forNodes: [] }, { forZones: ['zone-b'], forNodes: [] }]],
  ]);
});

test('derived hints narrow each node as kube-proxy would: node hints, then zone hints; a backend without a node turns them off', (t) => {
  const { spec } = load(`  - name: node
    clusterIPs: [10.96.0.10]
    trafficDistribution: PreferSameNode
${backends}
  - name: outside
    clusterIPs: [10.96.0.11]
    trafficDistribution: PreferClose
${backends}
      - {address: 192.0.2.7}
`);
  const plan = planCluster(buildModel(spec)).plan!;
  const perNode = Object.fromEntries(plan.nodes.map((n) => [n.node.name, layeredEntries(plan, n.node.name).map((e) => `${e.entry.unit.key} ${e.backends.map((b) => b.backend.address.text).join(',')} ${e.topology}`)]));
  t.deepEqual(perNode, {
    // Each node's node hints give it what its zone's do: the zone layer serves them all.
    node1: ['default/node:80/TCP 10.1.0.1 zone'],
    node2: ['default/node:80/TCP 10.2.0.1 zone'],
    node3: ['default/node:80/TCP 10.2.0.1 zone'],
  });
});
