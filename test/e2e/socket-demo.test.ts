// The checked-in generated/demo, as `npm start` writes it, applied by switchyard-node to the
// talk's node1 (its object: the socket LB and the north-south programs on eth0), then used: the
// demo's dual-stack ClusterIP reaches its backends, the DNS service answers over UDP, and
// status shows every program attached through a link.

import { join } from 'node:path';
import { clusterYaml, socketCluster, tally, type TcpResult, type UdpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

socketLbTest('generated/demo loads and attaches on node1 and serves its services', async (t) => {
  const demo = join(process.cwd(), 'generated', 'demo');
  const c = await socketCluster(t, 'demo', clusterYaml('demo'), '', demo);
  const applied = c.apply('node1');
  t.regex(applied.stdout, /program connect4 \(section cgroup\/connect4\): loaded/);
  const status = c.nodeCli('node1', ['status']);
  t.is(status.status, 0, status.stdout + status.stderr);
  for (const hook of ['cgroup_inet4_connect', 'cgroup_inet6_connect', 'cgroup_udp4_sendmsg', 'cgroup_udp4_recvmsg', 'cgroup_inet4_getpeername', 'cgroup_inet4_bind']) {
    t.regex(status.stdout, new RegExp(hook), `${hook} attached`);
  }

  // web: 10.5.0.1:8080 and [fd00:10:5::1]:8080 → port 80 of pods on both nodes.
  const v4 = c.client<TcpResult[]>('node1', { op: 'tcp', host: '10.5.0.1', port: 8080, count: 60 });
  t.deepEqual(Object.keys(tally(v4.map((r) => r.backend ?? r.error))).sort(), ['pod1', 'pod2', 'pod3']);
  t.true(v4.every((r) => r.peer === '10.5.0.1:8080'));
  const v6 = c.client<TcpResult[]>('node1', { op: 'tcp', host: 'fd00:10:5::1', port: 8080, count: 30 });
  t.deepEqual(Object.keys(tally(v6.map((r) => r.backend ?? r.error))).sort(), ['pod1', 'pod2', 'pod3']);
  // kube-system/dns: UDP 53 → pod4 (10.2.0.2).
  const dns = c.client<UdpResult[][]>('node1', { op: 'udp', host: '10.5.0.10', port: 53, sockets: 2, count: 2 });
  t.true(dns.flat().every((r) => r.backend === 'pod4' && r.from === '10.5.0.10:53'), JSON.stringify(dns));
  // HostPort 10000 on node1 → default/web-0 (10.1.0.1:80).
  t.deepEqual(Object.keys(tally(c.client<TcpResult[]>('node1', { op: 'tcp', host: '127.0.0.1', port: 10000, count: 5 }).map((r) => r.backend ?? r.error))), ['pod1']);
});
