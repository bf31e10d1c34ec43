// Topology hints end to end at the socket LB, from kubectl manifests on the talk's two nodes
// (node1 in zone-a, node2 in zone-b): each node's ClusterIP reaches only the endpoints hinted for
// its zone, wherever they run; node hints (PreferSameNode) pick the node's own; a service whose
// hints cover every endpoint for a zone stays cluster-wide there. Each zone's entries (zones/<zone>/)
// replace the cluster-wide ones in the same maps the socket LB already reads, layered by
// switchyard-node between the cluster's files and the node's. The socket LB picks at
// random per connect whatever the algorithm (Maglev is the north-south choice); the Maglev
// compile checks that nodes load their own tables for narrowed sets and still answer alike.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../../format/manifest.ts';
import { clusterYaml, socketCluster, tally, type TcpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

/** The talk's cluster with a zone per node (the compact format's `zone:`). */
function zonedCluster(datapath = ''): string {
  return clusterYaml('topology', datapath)
    .replace('  - name: node1\n', '  - name: node1\n    zone: zone-a\n')
    .replace('  - name: node2\n', '  - name: node2\n    zone: zone-b\n');
}

function service(name: string, ip: string, td: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  clusterIP: ${ip}
  clusterIPs: [${ip}]
  ports: [{name: http, port: 8080, protocol: TCP, targetPort: 80}]
  trafficDistribution: ${td}
  type: ClusterIP
`;
}

function slice(service: string, endpoints: { ip: string; node: string; zones: string[]; nodes?: string[] }[]): string {
  const eps = endpoints.map((e) => `- addresses: [${e.ip}]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: ${e.node}
  hints:
    forZones: [${e.zones.map((z) => `{name: ${z}}`).join(', ')}]${e.nodes ? `\n    forNodes: [${e.nodes.map((n) => `{name: ${n}}`).join(', ')}]` : ''}`).join('\n');
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${service}-x1, namespace: default, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [{name: http, port: 80, protocol: TCP}]
endpoints:
${eps}
`;
}

// pod1 10.1.0.1 and pod2 10.1.0.2 run on node1, pod3 10.2.0.1 and pod4 10.2.0.2 on node2. The
// zone hints cross on purpose (as the controller's proportional allocation may): locality alone
// would give other answers.
const manifests = [
  service('zoned', '10.5.0.20', 'PreferClose'),
  slice('zoned', [
    { ip: '10.1.0.1', node: 'node1', zones: ['zone-b'] },
    { ip: '10.1.0.2', node: 'node1', zones: ['zone-a'] },
    { ip: '10.2.0.1', node: 'node2', zones: ['zone-a'] },
    { ip: '10.2.0.2', node: 'node2', zones: ['zone-b'] },
  ]),
  service('same-node', '10.5.0.21', 'PreferSameNode'),
  slice('same-node', [
    { ip: '10.1.0.1', node: 'node1', zones: ['zone-a'], nodes: ['node1'] },
    { ip: '10.2.0.1', node: 'node2', zones: ['zone-b'], nodes: ['node2'] },
    { ip: '10.2.0.2', node: 'node2', zones: ['zone-b'], nodes: ['node2'] },
  ]),
  service('wide', '10.5.0.22', 'PreferClose'),
  slice('wide', [
    { ip: '10.1.0.1', node: 'node1', zones: ['zone-a', 'zone-b'] },
    { ip: '10.2.0.1', node: 'node2', zones: ['zone-b'] },
  ]),
].join('---\n');

const backends = (rs: TcpResult[]): string[] => Object.keys(tally(rs.map((r) => r.backend ?? r.error))).sort();

socketLbTest('topology hints at the socket LB: zone hints, node hints, and no narrowing where hints keep every endpoint; random and Maglev', async (t) => {
  const c = await socketCluster(t, 'topology', zonedCluster(), manifests);
  for (const algorithm of ['random', 'maglev']) {
    if (algorithm === 'maglev') c.compile(manifests, zonedCluster('    algorithm: maglev'));
    // Every narrowed set here is its zone's (node hints pick what the zone does): the answers
    // below come through the zone layer, not through the nodes' own files.
    const manifest = JSON.parse(readFileSync(join(c.dir, 'manifest.json'), 'utf8')) as Manifest;
    for (const [node, zone] of [['node1', 'zone-a'], ['node2', 'zone-b']] as const) {
      t.is(manifest.nodes[node]!.zone, zone);
      t.true(manifest.nodes[node]!.maps.includes(`zones/${zone}/maps/lb4_services.bin`));
      t.false(manifest.nodes[node]!.maps.includes(`nodes/${node}/maps/lb4_services.bin`));
    }
    c.applyAll();
    const tcp = (node: string, host: string) => c.client<TcpResult[]>(node, { op: 'tcp', host, port: 8080, count: 40 });
    t.deepEqual(backends(tcp('node1', '10.5.0.20')), ['pod2', 'pod3'], `${algorithm}: zone-a's endpoints from node1`);
    t.deepEqual(backends(tcp('node2', '10.5.0.20')), ['pod1', 'pod4'], `${algorithm}: zone-b's endpoints from node2`);
    t.deepEqual(backends(tcp('node1', '10.5.0.21')), ['pod1'], `${algorithm}: node1's own endpoint (PreferSameNode)`);
    t.deepEqual(backends(tcp('node2', '10.5.0.21')), ['pod3', 'pod4'], `${algorithm}: node2's own endpoints (PreferSameNode)`);
    t.deepEqual(backends(tcp('node1', '10.5.0.22')), ['pod1'], `${algorithm}: zone-a is served by one endpoint`);
    // 40 random picks over two backends all land on one with probability (1/2)^39.
    t.deepEqual(backends(tcp('node2', '10.5.0.22')), ['pod1', 'pod3'], `${algorithm}: zone-b's hints keep every endpoint, so node2 uses the cluster-wide entry`);
  }
});
