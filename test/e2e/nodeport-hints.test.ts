// Topology hints on the north-south path, end to end with Maglev: a NodePort (externalTrafficPolicy
// Cluster) from kubectl manifests whose EndpointSlice hints (PreferSameNode's forNodes) send
// node 1's traffic to a pod on node 2 and node 2's to the others. Each node's narrowed entry and
// its own Maglev table replace the cluster-wide ones in its maps, on tc and on XDP alike.

import type { ExecutionContext } from 'ava';
import { kernelTest } from '../helpers/kernel.ts';
import { nodeportCluster } from './nodeport-cluster.ts';
import { parseReply, request } from './nodeport-peers.ts';

const pods = [
  { node: 0, address: '10.1.0.1', name: 'pod1' },
  { node: 1, address: '10.2.0.1', name: 'pod2' },
  { node: 1, address: '10.2.0.2', name: 'pod3' },
];

// Crossed on purpose: locality alone would send node 1's traffic to pod1.
const manifests = `apiVersion: v1
kind: Service
metadata: {name: hinted, namespace: default}
spec:
  type: NodePort
  clusterIP: 10.5.0.30
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080, nodePort: 30005}]
  trafficDistribution: PreferSameNode
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: hinted-x1, namespace: default, labels: {kubernetes.io/service-name: hinted}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: [10.1.0.1]
  nodeName: node1
  hints: {forNodes: [{name: node2}]}
- addresses: [10.2.0.1]
  nodeName: node2
  hints: {forNodes: [{name: node1}]}
- addresses: [10.2.0.2]
  nodeName: node2
  hints: {forNodes: [{name: node2}]}
`;

async function hintsScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', algorithm: 'maglev', pods, services: manifests });
  const answers = (node: string) => {
    const r = request(c.scripts, c.topo.client, 'tcp', node, 30005, 12);
    t.deepEqual(r.errors, [], `NodePort on ${node}`);
    return [...new Set(r.replies.map((l) => parseReply(l).pod))].sort();
  };
  // 12 connections from fresh source ports: were node 1 not narrowed, all 12 would land on pod2
  // with probability about (1/3)^12.
  t.deepEqual(answers('10.0.0.1'), ['pod2'], 'node 1 sends its NodePort traffic only to the pod hinted for it');
  const node2 = answers('10.0.0.2');
  t.true(node2.every((p) => p === 'pod1' || p === 'pod3'), `node 2 uses only pod1 and pod3: ${node2.join(', ')}`);
}

kernelTest('tc: topology hints narrow a NodePort per node, Maglev tables per node', (t) => hintsScenario(t, 'tc'));
kernelTest('xdp: topology hints narrow a NodePort per node, Maglev tables per node', (t) => hintsScenario(t, 'xdp'));
