// The north-south scenarios, run once on tc and once on XDP (nodeport-tc.test.ts,
// nodeport-xdp.test.ts): real clients outside the cluster, real servers in pods, the datapath
// compiled from a spec and applied by switchyard-node on both nodes.

import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, hold, parseReply } from './nodeport-peers.ts';
import { nodeportCluster } from './nodeport-cluster.ts';
import { run as sh } from '../helpers/netns.ts';
import { NS_TOPOLOGY_TOOLS } from '../helpers/ns-topology.ts';
import type { Tool } from '../helpers/tools.ts';

/** The tools every scenario spawns (the topology's); hairpin also counts with iptables. */
export const SCENARIO_TOOLS: readonly Tool[] = NS_TOPOLOGY_TOOLS;
export const HAIRPIN_TOOLS: readonly Tool[] = [...NS_TOPOLOGY_TOOLS, 'iptables'];

const CLIENT = '198.51.100.1';
const OUTSIDER = '192.0.2.1';

const pods = [
  { node: 0, address: '10.1.0.1', name: 'pod1' },
  { node: 1, address: '10.2.0.1', name: 'pod2' },
  { node: 1, address: '10.2.0.2', name: 'pod3' },
];

/** The services of the SNAT scenario; `extra` adds backends to `remote` (the apply-under-load step). */
function snatServices(extra = ''): string {
  return `services:
  - name: remote
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30001 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30001 }
    backends:
      - { address: 10.2.0.1, node: node2 }${extra}
  - name: local
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30002 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30002 }
    backends:
      - { address: 10.1.0.1, node: node1 }
  - name: lb
    type: LoadBalancer
    loadBalancerIPs: [10.3.0.1]
    loadBalancerSourceRanges: [198.51.100.0/24]
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30004 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.2.0.1, node: node2 }
  - name: ext
    type: ClusterIP
    externalIPs: [203.0.113.10]
    ports: [{ name: http, port: 8080, targetPort: 8080 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: etp
    type: LoadBalancer
    loadBalancerIPs: [10.3.0.2]
    externalTrafficPolicy: Local
    healthCheckNodePort: 30100
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30003 }]
    backends:
      - { address: 10.2.0.2, node: node2 }
hostPorts:
  - node: node1
    hostPort: 10000
    podAddress: 10.1.0.1
    podPort: 8080
    pod: default/pod1
`;
}

/** Who answered and which source address the backend saw, for one request. */
function ask(t: ExecutionContext, c: { scripts: Parameters<typeof request>[0] }, ns: Parameters<typeof request>[1], mode: 'tcp' | 'udp', host: string, port: number) {
  const r = request(c.scripts, ns, mode, host, port);
  t.deepEqual(r.errors, [], `${mode} ${host}:${port}`);
  return parseReply(r.replies[0] ?? '');
}

function unanswered(t: ExecutionContext, c: { scripts: Parameters<typeof request>[0] }, ns: Parameters<typeof request>[1], mode: 'tcp' | 'udp', host: string, port: number, why: string) {
  const r = request(c.scripts, ns, mode, host, port, 1, 800);
  t.deepEqual(r.replies, [], `${mode} ${host}:${port}: ${why}`);
  return r.errors[0];
}

export async function snatScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', pods, routes: { '10.3.0.0/24': 0, '203.0.113.10/32': 0 }, services: snatServices() });
  const client = c.topo.client;

  // NodePort on node 1, backend on node 2: SNAT, the backend sees node 1.
  for (const mode of ['tcp', 'udp'] as const) t.deepEqual(ask(t, c, client, mode, '10.0.0.1', 30001), { pod: 'pod2', address: '10.0.0.1' }, `${mode} NodePort, remote backend`);
  // NodePort with a backend on the node itself: the fast local path, the client's address kept.
  for (const mode of ['tcp', 'udp'] as const) t.deepEqual(ask(t, c, client, mode, '10.0.0.1', 30002), { pod: 'pod1', address: CLIENT }, `${mode} NodePort, local backend`);
  // The same NodePort through node 2: now the backend is remote, SNAT to node 2.
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.2', 30002), { pod: 'pod1', address: '10.0.0.2' });
  // LoadBalancer IP (routed to node 1), from inside its source ranges: both backends serve it.
  const seen = new Set<string>();
  for (let i = 0; i < 16 && seen.size < 2; i++) seen.add(ask(t, c, client, 'tcp', '10.3.0.1', 80).pod);
  t.deepEqual([...seen].sort(), ['pod1', 'pod2'], 'LB IP spreads over its backends');
  // ... and from outside them: dropped. Its NodePort has no source ranges.
  unanswered(t, c, c.topo.outsider, 'tcp', '10.3.0.1', 80, 'outside loadBalancerSourceRanges');
  t.is(ask(t, c, c.topo.outsider, 'tcp', '10.0.0.1', 30004).address !== '', true);
  // ExternalIP, routed to node 1, backend on node 2.
  t.deepEqual(ask(t, c, client, 'tcp', '203.0.113.10', 8080), { pod: 'pod2', address: '10.0.0.1' });
  // HostPort: node 1 only, 1:1 to its pod, client address kept; node 2 refuses the port.
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.1', 10000), { pod: 'pod1', address: CLIENT });
  t.is(unanswered(t, c, client, 'tcp', '10.0.0.2', 10000, 'HostPort of node 1 on node 2'), 'ECONNREFUSED');

  // externalTrafficPolicy: Local: node 2 has the backend and keeps the client's address; node 1
  // has none and drops, and its health check says so.
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.2', 30003), { pod: 'pod3', address: CLIENT });
  unanswered(t, c, client, 'tcp', '10.0.0.1', 30003, 'ETP Local on a node without a local backend');
  unanswered(t, c, client, 'tcp', '10.3.0.2', 80, 'ETP Local LB IP routed to a node without a local backend');
  await c.health(0);
  await c.health(1);
  const health = (addr: string) => sh([...client.enter, 'curl', '-s', '-w', ' %{http_code}', '--max-time', '3', `http://${addr}:30100/`]);
  t.regex(health('10.0.0.1'), /"localEndpoints":0,[^]* 503$/);
  t.regex(health('10.0.0.2'), /"localEndpoints":1,[^]* 200$/);

  // A long-lived connection through SNAT survives an apply that adds backends to its service.
  const held = hold(c.scripts, client, '10.0.0.1', 30001, 30, 100);
  await held.connected;
  c.compile(snatServices(`
      - { address: 10.2.0.2, node: node2 }
      - { address: 10.1.0.1, node: node1 }`));
  c.apply(0);
  c.apply(1);
  const r = await held.result;
  t.deepEqual(r.errors, []);
  t.is(r.replies.length, 30, 'every request on the held connection answered');
  t.true(r.replies.every((l) => parseReply(l).pod === 'pod2'), 'the connection stays on its backend');
  const after = new Set<string>();
  for (let i = 0; i < 24 && after.size < 3; i++) after.add(ask(t, c, client, 'tcp', '10.0.0.1', 30001).pod);
  t.deepEqual([...after].sort(), ['pod1', 'pod2', 'pod3'], 'new connections use the added backends');
}

export async function dsrScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const services = `services:
  - name: remote
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30001 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30001 }
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: local
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30002 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30002 }
    backends:
      - { address: 10.1.0.1, node: node1 }
`;
  const c = await nodeportCluster(t, { hook, forwarding: 'dsr', pods: pods.slice(0, 2), services });
  const client = c.topo.client;
  // The backend on node 2 sees the client's own address, and its replies (from the NodePort)
  // reach the client without node 1: node 1 holds no reply entry, node 2 holds the DSR one
  // (flags DSR | EGRESS, and CLOSING once the connection ended).
  for (const mode of ['tcp', 'udp'] as const) t.deepEqual(ask(t, c, client, mode, '10.0.0.1', 30001), { pod: 'pod2', address: CLIENT }, `${mode} NodePort, DSR`);
  const ct = (node: number) => c.nodeCli(node, ['dump', 'ct4']).stdout;
  t.regex(ct(1), /saddr = 10\.2\.0\.1, daddr = 198\.51\.100\.1, sport = 8080, dport = \d+, protocol = 6, flags = 1.*flags = (18|26), src_addr = 10\.0\.0\.1/);
  t.notRegex(ct(0), /saddr = 10\.2\.0\.1/);
  // Local backends are unaffected by DSR.
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.1', 30002), { pod: 'pod1', address: CLIENT });
}

export async function ipv6Scenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const services = `services:
  - name: remote
    type: NodePort
    clusterIPs: [10.5.0.2, fd00:10:5::2]
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30001 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
      - { address: fd00:10:2::1, node: node2 }
  - name: local
    type: NodePort
    clusterIPs: [10.5.0.3, fd00:10:5::3]
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30002 }]
    backends:
      - { address: fd00:10:1::1, node: node1 }
`;
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', pods: pods.slice(0, 2), services, ipv6: true });
  const client = c.topo.client;
  // Over IPv6: a remote backend by SNAT to node 1's IPv6 address, a local one with the client's.
  t.deepEqual(ask(t, c, client, 'tcp', 'fd00:10::1', 30001), { pod: 'pod2', address: 'fd00:10::1' });
  t.deepEqual(ask(t, c, client, 'tcp', 'fd00:10::1', 30002), { pod: 'pod1', address: c.topo.clientAddress6! });
  // The same service over IPv4 still has its IPv4 backend.
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.1', 30001), { pod: 'pod2', address: '10.0.0.1' });
}

/**
 * Hairpin mode (cluster.datapath.hairpin): node 1 sends traffic for a remote backend back to the
 * MAC it came from, the router, instead of asking the FIB (which would say: node 2, directly on
 * the segment). The router's FORWARD counter for node 1 → pod 2 proves which way it went; the
 * backend still sees node 1 (SNAT), replies still reach the client (node 1 hairpins them back to
 * node 2, the MAC they came from, which routes them on), and local backends keep their FIB path.
 */
export async function hairpinScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const services = `services:
  - name: remote
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30001 }
      - { name: udp, protocol: UDP, port: 80, targetPort: 8080, nodePort: 30001 }
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: local
    type: NodePort
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30002 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
`;
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', hairpin: true, pods: pods.slice(0, 2), services });
  const client = c.topo.client;
  const router = c.topo.router;
  router.run(['iptables', '-A', 'FORWARD', '-s', '10.0.0.1', '-d', '10.2.0.1', '-j', 'ACCEPT']);
  const routed = () => Number(/^\s*(\d+)/m.exec(router.run(['iptables', '-L', 'FORWARD', '-v', '-n', '-x']).split('\n').slice(2).join('\n'))?.[1] ?? NaN);
  t.is(routed(), 0);
  for (const mode of ['tcp', 'udp'] as const) t.deepEqual(ask(t, c, client, mode, '10.0.0.1', 30001), { pod: 'pod2', address: '10.0.0.1' }, `${mode} NodePort, remote backend, hairpin`);
  t.true(routed() >= 4, `the router forwarded ${routed()} packets from node 1 to pod 2 (a TCP exchange and a datagram at least)`);
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.1', 30002), { pod: 'pod1', address: CLIENT }, 'local backend');
  t.regex(readFileSync(join(c.dir, 'nodes', 'node1', 'config.txt'), 'utf8'), /^hairpin true$/m);
}

/**
 * ICMP errors through the load balancer, with real stacks on both sides: a connected UDP socket
 * learns ECONNREFUSED from a backend whose port is closed (remote by SNAT, and local), and path
 * MTU discovery works through SNAT: node 2's link to its pod has MTU 1280, node 2 answers the
 * client's full-size segments with "fragmentation needed" addressed to node 1's SNAT port, and
 * only the translated error tells the client to send smaller ones (without it the 20,000-byte
 * request would never arrive).
 */
export async function icmpScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const services = `services:
  - name: remote
    type: NodePort
    ports:
      - { name: http, port: 80, targetPort: 8080, nodePort: 30001 }
      - { name: closed, protocol: UDP, port: 81, targetPort: 9999, nodePort: 30011 }
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: local
    type: NodePort
    ports: [{ name: closed, protocol: UDP, port: 81, targetPort: 9999, nodePort: 30012 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
`;
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', pods: pods.slice(0, 2), services });
  const client = c.topo.client;
  for (const port of [30011, 30012]) {
    const r = request(c.scripts, client, 'cudp', '10.0.0.1', port, 1, 3000);
    t.deepEqual(r, { replies: [], errors: ['ECONNREFUSED'] }, `UDP NodePort ${port}: the backend's port unreachable, translated back`);
  }
  const pod2 = c.topo.pods[1]!;
  c.topo.nodes[1]!.ns.run(['ip', 'link', 'set', 'dev', pod2.hostDevice, 'mtu', '1280']);
  const big = request(c.scripts, client, 'big', '10.0.0.1', 30001, 1, 8000);
  t.deepEqual(big.errors, [], 'a 20,000-byte request through SNAT into a 1280-byte link');
  t.deepEqual(parseReply(big.replies[0] ?? ''), { pod: 'pod2', address: '10.0.0.1' });
  t.regex(client.run(['ip', 'route', 'get', '10.0.0.1']), /mtu 1280/, 'the client learnt the path MTU');
}

/**
 * algorithm: maglev: every frontend's backend comes from a Maglev table, the HostPort's too (it
 * had none: the pod got no traffic); a NodePort's flows reach both backends through either node.
 */
export async function maglevScenario(t: ExecutionContext, hook: 'tc' | 'xdp'): Promise<void> {
  const services = `services:
  - name: spread
    type: NodePort
    ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30001 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.2.0.1, node: node2 }
hostPorts:
  - node: node1
    hostPort: 10000
    podAddress: 10.1.0.1
    podPort: 8080
    pod: default/pod1
`;
  const c = await nodeportCluster(t, { hook, forwarding: 'snat', algorithm: 'maglev', pods, services });
  const client = c.topo.client;
  for (const node of ['10.0.0.1', '10.0.0.2']) {
    const seen = new Set<string>();
    for (let i = 0; i < 16 && seen.size < 2; i++) seen.add(ask(t, c, client, 'tcp', node, 30001).pod);
    t.deepEqual([...seen].sort(), ['pod1', 'pod2'], `NodePort through ${node}: the table holds both backends`);
  }
  t.deepEqual(ask(t, c, client, 'tcp', '10.0.0.1', 10000), { pod: 'pod1', address: CLIENT }, 'HostPort: its pod, client address kept');
}
