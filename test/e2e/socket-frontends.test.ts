// Every frontend kind the socket LB serves, end to end on the talk's two nodes: NodePort on a
// node address, on 127.0.0.1 and on [::1] (the wildcard lookup); a LoadBalancer IP; ExternalIPs
// left alone unless cluster.datapath.externalIPsInCluster; a HostPort on its own node only;
// bind() to service ports refused with EADDRINUSE; LB IPs with source ranges left to packets; internalTrafficPolicy Local; terminating
// backends only when nothing else is left; a service without backends refused at once with
// ECONNREFUSED (TCP connect and UDP sendmsg); ClientIP affinity within its timeout.

import { clusterYaml, socketCluster, tally, type TcpResult, type UdpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

const services = `
services:
  - name: nodeport
    type: NodePort
    clusterIPs: [10.5.0.2, 'fd00:10:5::2']
    ports: [{ name: http, port: 80, nodePort: 30001 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.2.0.1, node: node2 }
      - { address: 'fd00:10:1::1', node: node1 }
  - name: lb
    type: LoadBalancer
    clusterIPs: [10.5.0.3]
    loadBalancerIPs: [10.3.0.1]
    externalTrafficPolicy: Local
    ports: [{ name: http, port: 80, nodePort: 30002 }]
    backends:
      - { address: 10.1.0.2, node: node1 }
      - { address: 10.2.0.2, node: node2 }
  - name: guarded
    type: LoadBalancer
    clusterIPs: [10.5.0.11]
    loadBalancerIPs: [10.3.0.2]
    loadBalancerSourceRanges: [192.0.2.0/24]
    ports: [{ name: http, port: 80, nodePort: 30004 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
  - name: external
    clusterIPs: [10.5.0.4]
    externalIPs: [203.0.113.10]
    ports: [{ name: http, port: 8080, targetPort: 80 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: local
    clusterIPs: [10.5.0.5]
    internalTrafficPolicy: Local
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.2.0.1, node: node2 }
      - { address: 10.2.0.2, node: node2 }
  - name: draining
    clusterIPs: [10.5.0.6]
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.1.0.2, node: node1, ready: false, serving: true, terminating: true }
  - name: drained
    clusterIPs: [10.5.0.7]
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.1.0.2, node: node1, ready: false, serving: true, terminating: true }
      - { address: 10.2.0.2, node: node2, ready: false, serving: true, terminating: true }
  - name: empty
    clusterIPs: [10.5.0.8]
    ports:
      - { name: http, port: 80 }
      - { name: dns, port: 53, protocol: UDP }
    backends:
      - { address: 10.1.0.1, node: node1, ready: false, serving: false }
  - name: sticky
    clusterIPs: [10.5.0.9]
    sessionAffinity: ClientIP
    affinityTimeoutSeconds: 1
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.1.0.1, node: node1 }
      - { address: 10.1.0.2, node: node1 }
      - { address: 10.2.0.1, node: node2 }
      - { address: 10.2.0.2, node: node2 }
hostPorts:
  - { node: node1, hostPort: 10000, protocol: TCP, podAddress: 10.1.0.2, podPort: 80, pod: default/web-1 }
`;

const backends = (rs: TcpResult[]): string[] => Object.keys(tally(rs.map((r) => r.backend ?? r.error))).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

socketLbTest('socket LB frontends: NodePort wildcard, LB IP, ExternalIP, HostPort, bind refusal, ITP Local, terminating, no backend, affinity', async (t) => {
  const c = await socketCluster(t, 'frontends', clusterYaml('frontends'), services);
  c.applyAll();
  const tcp = (node: string, host: string, port: number, count = 30, from?: string) => c.client<TcpResult[]>(node, { op: 'tcp', host, port, count }, from);

  // NodePort: every local address and loopback answer through the wildcard entry.
  for (const host of ['10.0.0.1', '127.0.0.1', '127.0.0.53', '0.0.0.0']) {
    const rs = tcp('node1', host, 30001);
    t.deepEqual(backends(rs), ['pod1', 'pod3'], `NodePort on ${host}:30001`);
    // connect(0.0.0.0) means this host; getpeername then reports the address the client named.
    t.true(rs.every((r) => r.peer === `${host}:30001`), `getpeername on ${host}:30001: ${rs[0]?.peer}`);
  }
  t.deepEqual(backends(tcp('node1', '::1', 30001)), ['pod1'], 'NodePort on [::1]:30001 (IPv6 backends)');
  t.deepEqual(backends(tcp('node1', 'fd00:10::1', 30001)), ['pod1'], 'NodePort on the node\'s IPv6 address');
  t.deepEqual(backends(tcp('node2', '10.0.0.2', 30001)), ['pod1', 'pod3'], 'NodePort on node2\'s own address');
  t.deepEqual(backends(tcp('node1', '10.0.0.1', 30001, 30, 'pod2')), ['pod1', 'pod3'], 'NodePort on the node address, from a pod in the node\'s cgroup');

  // LoadBalancer IP: in-cluster traffic takes the internal scope (all backends), although
  // externalTrafficPolicy Local limits north-south traffic to each node's own.
  t.deepEqual(backends(tcp('node1', '10.3.0.1', 80)), ['pod2', 'pod4'], 'LB IP 10.3.0.1:80 with ETP Local: in-cluster sees every backend');

  // An LB IP with source ranges is left to the packet path, which knows the client's address.
  t.truthy(tcp('node1', '10.3.0.2', 80, 1)[0]!.error, 'LB IP with loadBalancerSourceRanges: not translated at the socket');
  t.deepEqual(backends(tcp('node1', '10.5.0.11', 80, 5)), ['pod1'], 'its ClusterIP is');

  // ExternalIPs: not translated for in-cluster clients by default (the talk: spoofing).
  const ext = tcp('node1', '203.0.113.10', 8080, 1);
  t.truthy(ext[0]!.error, `ExternalIP left alone: the connect goes nowhere (${ext[0]!.error})`);
  t.deepEqual(backends(tcp('node1', '10.5.0.4', 8080, 5)), ['pod3'], 'its ClusterIP still works');

  // HostPort: on its node, on every local address; the other node does not translate it.
  t.deepEqual(backends(tcp('node1', '10.0.0.1', 10000, 10)), ['pod2'], 'HostPort on node1');
  t.deepEqual(backends(tcp('node1', '127.0.0.1', 10000, 10)), ['pod2'], 'HostPort on node1 loopback');
  t.deepEqual(backends(tcp('node2', '127.0.0.1', 10000, 1)), ['ECONNREFUSED'], 'node2 has no HostPort 10000');

  // bind() to a service's port is refused; other ports and protocols are not.
  c.topo.node('node1').ns.run(['ip', 'addr', 'add', '10.3.0.1/32', 'dev', 'lo']);
  c.topo.node('node1').ns.run(['ip', 'addr', 'add', '203.0.113.10/32', 'dev', 'lo']);
  const bind = (host: string, port: number, proto = 'tcp') => c.client<{ error: string | null }>('node1', { op: 'bind', host, port, proto }).error;
  t.is(bind('0.0.0.0', 30001), 'EADDRINUSE', 'bind 0.0.0.0:30001 (NodePort)');
  t.is(bind('10.0.0.1', 30001), 'EADDRINUSE', 'bind 10.0.0.1:30001 (NodePort on any address)');
  t.is(bind('127.0.0.1', 30001), 'EADDRINUSE', 'bind 127.0.0.1:30001');
  t.is(bind('::', 30001), 'EADDRINUSE', 'bind [::]:30001');
  t.is(bind('10.3.0.1', 80), 'EADDRINUSE', 'bind the LB IP 10.3.0.1:80');
  t.is(bind('203.0.113.10', 8080), 'EADDRINUSE', 'bind the ExternalIP 203.0.113.10:8080');
  t.is(bind('0.0.0.0', 30003), null, 'bind a port no service uses');
  t.is(bind('0.0.0.0', 30001, 'udp'), null, 'bind UDP 30001 (the NodePort is TCP)');
  t.is(bind('10.0.0.1', 80), null, 'bind port 80 on the node address (80 is only the LB IP\'s)');

  // internalTrafficPolicy Local: each node picks its own backends only.
  t.deepEqual(backends(tcp('node1', '10.5.0.5', 80, 40)), ['pod1'], 'ITP Local on node1');
  t.deepEqual(backends(tcp('node2', '10.5.0.5', 80, 40)), ['pod3', 'pod4'], 'ITP Local on node2');

  // Terminating backends: never while an active one is left; used when nothing else is.
  t.deepEqual(backends(tcp('node1', '10.5.0.6', 80, 40)), ['pod1'], 'the terminating backend is not used');
  t.deepEqual(backends(tcp('node1', '10.5.0.7', 80, 40)), ['pod2', 'pod4'], 'only terminating backends: they are used');

  // No backend: refused at once with ECONNREFUSED, for TCP and for UDP.
  const none = tcp('node1', '10.5.0.8', 80, 5);
  t.true(none.every((r) => r.error === 'ECONNREFUSED'), `no backend: ${JSON.stringify(none.map((r) => r.error))}`);
  // At once means before TCP's first SYN retransmission (1 s): the connect never reached the
  // network. A tighter bound would only measure how busy the machine is.
  t.true(none.every((r) => r.ms < 900), `refused at once: ${none.map((r) => r.ms.toFixed(1)).join(', ')} ms`);
  const udp = c.client<UdpResult[][]>('node1', { op: 'udp', host: '10.5.0.8', port: 53, sockets: 1, count: 1 });
  t.is(udp[0]![0]!.error, 'ECONNREFUSED', 'UDP sendmsg to a service without backends');

  // ClientIP affinity: one backend for the client's namespace while it keeps coming back
  // within the timeout (1 s here); after an idle timeout the choice is made again.
  const held = tcp('node1', '10.5.0.9', 80, 30);
  t.is(backends(held).length, 1, `affinity holds: ${JSON.stringify(tally(held.map((r) => r.backend)))}`);
  const firsts: string[] = [];
  // Eight picks after idle timeouts, all alike by chance: (1/4)^7, about once in 16,000 runs.
  for (let i = 0; i < 8; i++) {
    await sleep(1300);
    firsts.push(tcp('node1', '10.5.0.9', 80, 1)[0]!.backend!);
  }
  t.true(new Set(firsts).size > 1, `after the timeout the backend is chosen again: ${firsts.join(' ')}`);

  // Counters: the refused connects are counted as such.
  t.regex(c.nodeCli('node1', ['dump', 'lb_stats']).stdout, /no_backend = 5\b/);

  // With externalIPsInCluster, the same ExternalIP is translated like any frontend.
  c.compile(services, clusterYaml('frontends', '    externalIPsInCluster: true'));
  c.apply('node1');
  t.deepEqual(backends(tcp('node1', '203.0.113.10', 8080, 10)), ['pod3'], 'ExternalIP translated with externalIPsInCluster: true');
});
