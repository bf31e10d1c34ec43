// The socket LB end to end on the talk's two nodes: real TCP and UDP clients in node1's cgroup
// (from node1's namespace and from a pod's) reach a ClusterIP's backends on both nodes over IPv4,
// IPv6 and v4-in-v6; getpeername() and UDP replies show the service address, not the backend's;
// 1,000 connects use every backend, none above twice its share; a UDP socket keeps its backend;
// `switchyard-node dump lb_stats` counts the translations.

import { clusterYaml, socketCluster, tally, type TcpResult, type UdpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

const services = `
services:
  - name: web
    clusterIPs: [10.5.0.1, 'fd00:10:5::1']
    ports: [{ name: http, port: 8080, targetPort: 80 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.1.0.2, node: node1 }
      - { address: 10.2.0.1, node: node2 }
      - { address: 10.2.0.2, node: node2 }
      - { address: 'fd00:10:1::1', node: node1 }
      - { address: 'fd00:10:2::1', node: node2 }
  - name: dns
    namespace: kube-system
    clusterIPs: [10.5.0.10, 'fd00:10:5::a']
    ports: [{ name: dns, protocol: UDP, port: 53 }]
    backends:
      - { address: 10.1.0.2, node: node1 }
      - { address: 10.2.0.1, node: node2 }
      - { address: 10.2.0.2, node: node2 }
      - { address: 'fd00:10:1::2', node: node1 }
      - { address: 'fd00:10:2::2', node: node2 }
`;

const ALL4 = ['pod1', 'pod2', 'pod3', 'pod4'];

socketLbTest('ClusterIP through the socket LB: TCP and UDP, IPv4, IPv6 and v4-in-v6, from a node and from a pod', async (t) => {
  // The whole datapath, as a node runs it: the north-south programs sit on eth0 as well.
  const c = await socketCluster(t, 'socklb', clusterYaml('socklb', '', ['eth0']), services);
  c.applyAll();

  // 1,000 TCP connects from node1's namespace: every backend used, none above 2× its share.
  const many = c.client<TcpResult[]>('node1', { op: 'tcp', host: '10.5.0.1', port: 8080, count: 1000 });
  t.deepEqual(many.filter((r) => r.error), [], 'no connect failed');
  const spread = tally(many.map((r) => r.backend));
  t.deepEqual(Object.keys(spread).sort(), ALL4, `every backend chosen: ${JSON.stringify(spread)}`);
  for (const [b, n] of Object.entries(spread)) t.true(n <= 2 * (1000 / ALL4.length), `${b}: ${n} of 1000, at most twice its share`);
  t.true(many.every((r) => r.peer === '10.5.0.1:8080'), 'getpeername() returns the ClusterIP, not the backend');
  t.true(many.every((r) => /^(::ffff:)?10\.[12]\.0\.\d$/.test(r.serverSaw ?? '')), 'the backend saw its own address: translated at the socket, no packet NAT');

  // From a pod's namespace (still in node1's cgroup), to a backend on the other node.
  const fromPod = c.client<TcpResult[]>('node1', { op: 'tcp', host: '10.5.0.1', port: 8080, count: 40 }, 'pod1');
  t.deepEqual(fromPod.filter((r) => r.error), []);
  t.true(fromPod.some((r) => r.backend === 'pod3' || r.backend === 'pod4'), 'a pod on node1 reaches backends on node2');

  // IPv6 and v4-in-v6 (an IPv6 socket naming ::ffff:10.5.0.1 goes through the IPv4 tables).
  const v6 = c.client<TcpResult[]>('node1', { op: 'tcp', host: 'fd00:10:5::1', port: 8080, count: 40 });
  t.deepEqual(v6.filter((r) => r.error), []);
  t.deepEqual(Object.keys(tally(v6.map((r) => r.backend))).sort(), ['pod1', 'pod3']);
  t.true(v6.every((r) => r.peer === 'fd00:10:5::1:8080'), 'getpeername() on IPv6');
  const mapped = c.client<TcpResult[]>('node1', { op: 'tcp', host: '::ffff:10.5.0.1', port: 8080, count: 40 });
  t.deepEqual(mapped.filter((r) => r.error), []);
  t.true(mapped.every((r) => ALL4.includes(r.backend!)), 'v4-in-v6 reaches the IPv4 backends');
  t.true(mapped.every((r) => r.peer === '::ffff:10.5.0.1:8080'), 'getpeername() on v4-in-v6 gives the mapped service address');

  // UDP: request/response, the reply seems to come from the service; one socket, one backend.
  for (const [host, from] of [
    ['10.5.0.10', '10.5.0.10:53'],
    ['fd00:10:5::a', 'fd00:10:5::a:53'],
    ['::ffff:10.5.0.10', '::ffff:10.5.0.10:53'],
  ] as const) {
    const udp = c.client<UdpResult[][]>('node1', { op: 'udp', host, port: 53, sockets: 24, count: 5 });
    const flat = udp.flat();
    t.deepEqual(flat.filter((r) => r.error), [], `${host}: every request answered`);
    t.true(flat.every((r) => r.from === from), `${host}: replies come from ${from} (recvmsg translated back)`);
    t.true(udp.every((s) => new Set(s.map((r) => r.backend)).size === 1), `${host}: each socket keeps its backend`);
    t.true(new Set(udp.map((s) => s[0]!.backend)).size > 1, `${host}: sockets spread over backends: ${JSON.stringify(tally(udp.map((s) => s[0]!.backend)))}`);
  }

  // Counters per service port, summed over CPUs by dump.
  const dump = c.nodeCli('node1', ['dump', 'lb_stats']);
  t.is(dump.status, 0, dump.stderr);
  t.regex(dump.stdout, /values summed over the CPUs/);
  // web: 1,000 + 3 × 40 connects; dns: 3 × 24 sockets × 5 datagrams, each sendmsg translated.
  t.regex(dump.stdout, /\{ service_id = \d+ \} → \{ translations = 1120, no_backend = 0/, dump.stdout);
  t.regex(dump.stdout, /\{ service_id = \d+ \} → \{ translations = 360, no_backend = 0/, dump.stdout);
});
