// A service without endpoints refuses external clients at once, as kube-proxy's REJECT does:
// the node answers ICMP port unreachable (compiler/datapath/nodeport/reject4.ts), so a TCP
// connect to its NodePort or LoadBalancer IP fails with ECONNREFUSED and a connected UDP socket
// sees ECONNREFUSED too, long before the client's timeout. A Local policy's service whose only
// endpoint is on the other node stays a drop there (kube-proxy's "has no local endpoints").

import type { ExecutionContext } from 'ava';
import { kernelTest } from '../helpers/kernel.ts';
import { nodeportCluster } from './nodeport-cluster.ts';
import { request } from './nodeport-peers.ts';
import { SCENARIO_TOOLS } from './nodeport-scenarios.ts';

/** Long enough that a dropped packet's retransmissions would never see a refusal in time. */
const PATIENCE_MS = 10_000;

const services = `services:
  - name: gone
    type: LoadBalancer
    loadBalancerIPs: [10.3.0.5]
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30021 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30021 }
    backends: []
  - name: elsewhere
    type: NodePort
    externalTrafficPolicy: Local
    healthCheckNodePort: 30101
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30022 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
`;

const pods = [
  { node: 0, address: '10.1.0.1', name: 'pod1' },
  { node: 1, address: '10.2.0.1', name: 'pod2' },
];

async function rejectScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', pods, routes: { '10.3.0.0/24': 0 }, services });
  const client = c.topo.client;
  for (const [host, port] of [['10.0.0.1', 30021], ['10.3.0.5', 80]] as const) {
    t.deepEqual(request(c.scripts, client, 'tcp', host, port, 1, PATIENCE_MS), { replies: [], errors: ['ECONNREFUSED'] }, `TCP ${host}:${port} without endpoints`);
    t.deepEqual(request(c.scripts, client, 'cudp', host, port, 1, PATIENCE_MS), { replies: [], errors: ['ECONNREFUSED'] }, `UDP ${host}:${port} without endpoints`);
  }
  t.deepEqual(request(c.scripts, client, 'tcp', '10.0.0.1', 30022, 1, 800), { replies: [], errors: ['timeout'] }, 'Local policy, endpoint on the other node: dropped');
  t.deepEqual(request(c.scripts, client, 'tcp', '10.0.0.2', 30022, 1, PATIENCE_MS).errors, [], 'the node with the endpoint serves it');
}

kernelTest('tc: a service without endpoints refuses TCP and UDP clients (ICMP port unreachable)', (t) => rejectScenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('xdp: a service without endpoints refuses TCP and UDP clients (ICMP port unreachable)', (t) => rejectScenario(t, 'xdp'), SCENARIO_TOOLS);
