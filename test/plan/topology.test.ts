// Topology hints per zone and per node (plan/topology.ts, zone-tables.ts, node-tables.ts): node
// hints, then zone hints, then every endpoint; zone-narrowed sets live once per zone, and only
// nodes whose set differs from their zone's get an entry of their own; Maglev tables follow the
// narrowed set; Local sets ignore hints.

import test from 'ava';
import { buildModel } from '../../compiler/model/build.ts';
import { planCluster } from '../../compiler/plan/build.ts';
import type { Plan } from '../../compiler/plan/types.ts';
import type { BackendSpec, Spec } from '../../compiler/spec/types.ts';
import { backend, cluster, layeredEntries, node, service, spec } from './helpers.ts';

function plan(s: Spec): Plan {
  const r = planCluster(buildModel(s));
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

const NODES = [
  node('node1', ['10.0.0.1'], [], { zone: 'a' }),
  node('node2', ['10.0.0.2'], [], { zone: 'b' }),
  node('node3', ['10.0.0.3'], [], { zone: 'c' }),
  node('node4', ['10.0.0.4']),
];

const hinted = (address: string, nodeName: string, zones: string[], nodes: string[] = [], over: Partial<BackendSpec> = {}) =>
  backend(address, nodeName, { hints: { forZones: zones, forNodes: nodes }, ...over });

/** node → the addresses of the entries it applies beyond the cluster-wide ones (its zone's and its own), with the topology mode. */
function perNode(p: Plan): Record<string, string[]> {
  return Object.fromEntries(p.nodes.map((n) => [
    n.node.name,
    layeredEntries(p, n.node.name).map((e) => `${e.entry.frontend.kind}/${e.entry.scope} ${e.backends.map((b) => b.backend.address.text).join(',')}${e.topology ? ` ${e.topology}` : ''}`).sort(),
  ]));
}

test('zone hints narrow each zoned node to its zone; a node without a zone, or a zone nobody serves, keeps every backend', (t) => {
  const p = plan(spec({
    nodes: NODES,
    services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a']), hinted('10.1.0.2', 'node1', ['a']), hinted('10.2.0.1', 'node2', ['b'])] })],
  }));
  t.deepEqual(perNode(p), { node1: ['ClusterIP/external 10.1.0.1,10.1.0.2 zone'], node2: ['ClusterIP/external 10.2.0.1 zone'], node3: [], node4: [] });
});

test('one ready backend without a zone hint turns zone hints off; a terminating one does not', (t) => {
  const missing = plan(spec({ nodes: NODES, services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a']), backend('10.2.0.1', 'node2')] })] }));
  t.deepEqual(perNode(missing), { node1: [], node2: [], node3: [], node4: [] });
  const terminating = plan(spec({
    nodes: NODES,
    services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a']), hinted('10.2.0.1', 'node2', ['b']), backend('10.2.0.2', 'node2', { ready: false, terminating: true })] })],
  }));
  t.deepEqual(perNode(terminating), { node1: ['ClusterIP/external 10.1.0.1 zone'], node2: ['ClusterIP/external 10.2.0.1 zone'], node3: [], node4: [] });
});

test('node hints come first where every ready backend has one; other nodes fall back to zone hints', (t) => {
  const p = plan(spec({
    nodes: [...NODES.slice(0, 2), node('node3', ['10.0.0.3'], [], { zone: 'a' }), node('node5', ['10.0.0.5'], [], { zone: 'a' })],
    services: [service('default/web', {
      backends: [hinted('10.1.0.1', 'node1', ['a'], ['node1']), hinted('10.1.0.3', 'node3', ['a'], ['node3']), hinted('10.2.0.1', 'node2', ['b'], ['node2'])],
    })],
  }));
  t.deepEqual(perNode(p), {
    node1: ['ClusterIP/external 10.1.0.1 node'],
    // Its node hints give node2 what its zone does: the zone layer's entry serves it.
    node2: ['ClusterIP/external 10.2.0.1 zone'],
    node3: ['ClusterIP/external 10.1.0.3 node'],
    node5: ['ClusterIP/external 10.1.0.1,10.1.0.3 zone'],
  });
  t.deepEqual(p.nodes.find((n) => n.node.name === 'node2')!.entries, []);
});

test('node hints that keep every ready backend give the node the whole list back over its narrowed zone', (t) => {
  const p = plan(spec({
    nodes: [node('node1', ['10.0.0.1'], [], { zone: 'a' }), node('node2', ['10.0.0.2'], [], { zone: 'a' })],
    services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a'], ['node1']), hinted('10.1.0.2', 'node2', ['b'], ['node1'])] })],
  }));
  t.deepEqual(perNode(p), { node1: ['ClusterIP/external 10.1.0.1,10.1.0.2 node'], node2: ['ClusterIP/external 10.1.0.1 zone'] });
});

test('hints that keep every ready backend on a node give it no entry of its own', (t) => {
  const p = plan(spec({ nodes: NODES, services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a', 'b']), hinted('10.2.0.1', 'node2', ['b'])] })] }));
  t.deepEqual(perNode(p), { node1: ['ClusterIP/external 10.1.0.1 zone'], node2: [], node3: [], node4: [] });
});

test('Local sets ignore hints; the cluster-wide scope of the same service follows them', (t) => {
  const p = plan(spec({
    nodes: NODES.slice(0, 2),
    services: [service('default/web', {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      backends: [hinted('10.1.0.1', 'node1', ['b']), hinted('10.2.0.1', 'node2', ['a'])],
    })],
  }));
  t.deepEqual(perNode(p), {
    node1: ['ClusterIP/external 10.2.0.1 zone', 'NodePort/external 10.1.0.1', 'NodePort/internal 10.2.0.1 zone'],
    node2: ['ClusterIP/external 10.1.0.1 zone', 'NodePort/external 10.2.0.1', 'NodePort/internal 10.1.0.1 zone'],
  });
});

test('Maglev: a zone with a narrowed set gets its own table for the all set, replacing the cluster-wide one on its nodes', (t) => {
  const c = cluster();
  c.datapath = { ...c.datapath, algorithm: 'maglev', maglevTableSize: 251 };
  const p = plan(spec({ cluster: c, nodes: NODES, services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a']), hinted('10.2.0.1', 'node2', ['b'])] })] }));
  t.is(p.maglev.length, 1);
  const a = p.zones.find((z) => z.zone === 'a')!;
  t.deepEqual(a.maglev.map((m) => [m.set, m.family, new Set(m.table).size]), [['all', 4, 1]]);
  t.deepEqual([...new Set(a.maglev[0]!.table)], [a.entries[0]!.backends[0]!.backend.id]);
  t.deepEqual(p.nodes.map((n) => n.maglev), [[], [], [], []]);
  t.deepEqual(p.zones.map((z) => z.zone), ['a', 'b']);
});

test('Maglev: a node whose node hints differ from its zone gets its own table over the zone\'s', (t) => {
  const c = cluster();
  c.datapath = { ...c.datapath, algorithm: 'maglev', maglevTableSize: 251 };
  const p = plan(spec({
    cluster: c,
    nodes: [node('node1', ['10.0.0.1'], [], { zone: 'a' }), node('node3', ['10.0.0.3'], [], { zone: 'a' }), node('node2', ['10.0.0.2'], [], { zone: 'b' })],
    services: [service('default/web', { backends: [hinted('10.1.0.1', 'node1', ['a'], ['node1']), hinted('10.1.0.3', 'node3', ['a'], ['node3']), hinted('10.2.0.1', 'node2', ['b'], ['node2'])] })],
  }));
  const node1 = p.nodes.find((n) => n.node.name === 'node1')!;
  t.deepEqual([...new Set(node1.maglev[0]!.table)], [node1.entries[0]!.backends[0]!.backend.id]);
  t.is(new Set(p.zones.find((z) => z.zone === 'a')!.maglev[0]!.table).size, 2);
});
