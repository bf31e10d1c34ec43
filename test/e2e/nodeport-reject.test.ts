// A service without endpoints refuses external clients at once, as kube-proxy's REJECT does:
// the node answers ICMP / ICMPv6 port unreachable (compiler/datapath/nodeport/reject4.ts,
// reject6.ts), so a TCP connect to its NodePort (IPv4 and IPv6) or LoadBalancer IP fails with
// ECONNREFUSED and a connected UDP socket sees ECONNREFUSED too, long before the client's
// timeout; a Local policy's service without any endpoint as well. One whose only endpoint is on
// the other node stays a drop there (kube-proxy's "has no local endpoints").

import type { ExecutionContext } from 'ava';
import { kernelTest } from '../helpers/kernel.ts';
import { nodeportCluster, type NodeportCluster } from './nodeport-cluster.ts';
import { request } from './nodeport-peers.ts';
import { SCENARIO_TOOLS } from './nodeport-scenarios.ts';

/** Long enough that a dropped packet's retransmissions would never see a refusal in time. */
const PATIENCE_MS = 10_000;

const services = `services:
  - name: gone
    type: LoadBalancer
    clusterIPs: [10.5.0.21, fd00:10:5::21]
    loadBalancerIPs: [10.3.0.5]
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30021 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30021 }
    backends: []
  - name: nowhere
    type: NodePort
    externalTrafficPolicy: Local
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30023 }]
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

/** lb_stats.no_backend on node 1, over every service. */
function noBackend(c: NodeportCluster): number {
  const dump = c.nodeCli(0, ['dump', 'lb_stats']).stdout;
  return [...dump.matchAll(/no_backend = (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

async function rejectScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', pods, routes: { '10.3.0.0/24': 0 }, services, ipv6: true });
  const client = c.topo.client;
  // Each refusal is the datapath's (the stack would refuse a NodePort nobody serves too): every
  // request adds to lb_stats.no_backend. At least one: a SYN whose error comes back while
  // connect() still holds the socket only records a soft error, and the retransmitted SYN's
  // error refuses the connection.
  let before = noBackend(c);
  const both = ['tcp', 'cudp'] as const;
  const cases = [['10.0.0.1', 30021, both], ['10.3.0.5', 80, both], ['fd00:10::1', 30021, both], ['10.0.0.1', 30023, ['tcp'] as const]] as const;
  for (const [host, port, modes] of cases) {
    for (const mode of modes) {
      t.deepEqual(request(c.scripts, client, mode, host, port, 1, PATIENCE_MS), { replies: [], errors: ['ECONNREFUSED'] }, `${mode} ${host}:${port} without endpoints`);
      const after = noBackend(c);
      t.true(after > before, `${mode} ${host}:${port}: the datapath's no_backend counted it`);
      before = after;
    }
  }
  t.deepEqual(request(c.scripts, client, 'tcp', '10.0.0.1', 30022, 1, 800), { replies: [], errors: ['timeout'] }, 'Local policy, endpoint on the other node: dropped');
  t.deepEqual(request(c.scripts, client, 'tcp', '10.0.0.2', 30022, 1, PATIENCE_MS).errors, [], 'the node with the endpoint serves it');
}

kernelTest('tc: a service without endpoints refuses TCP and UDP clients (ICMP port unreachable)', (t) => rejectScenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('xdp: a service without endpoints refuses TCP and UDP clients (ICMP port unreachable)', (t) => rejectScenario(t, 'xdp'), SCENARIO_TOOLS);
