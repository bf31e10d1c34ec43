// Where the socket LB keeps what it translates back with, end to end on the talk's two nodes:
// a connected socket's peer in its own storage (lb4/lb6_sock_peer), read by recvmsg and
// getpeername on connected UDP sockets (IPv4, IPv6, v4-in-v6); an unconnected UDP socket that
// sends to several services at once gets each reply from the service it asked (the LRU map);
// status and dump name the storage maps without failing on them (the kernel cannot list them),
// and an apply of changed services keeps them (the same map, so connected sockets keep theirs).

import { clusterYaml, socketCluster, type UdpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

/** A dual-stack UDP service on port 53 in kube-system, with its backends (address, node). */
function udpService(name: string, ips: [string, string], backends: Array<[string, string]>): string {
  const head = [`  - name: ${name}`, '    namespace: kube-system', `    clusterIPs: [${ips[0]}, '${ips[1]}']`, '    ports: [{ name: dns, protocol: UDP, port: 53 }]', '    backends:'];
  return [...head, ...backends.map(([address, node]) => `      - { address: '${address}', node: ${node} }`), ''].join('\n');
}

const dns = udpService('dns', ['10.5.0.10', 'fd00:10:5::a'], [['10.1.0.2', 'node1'], ['10.2.0.1', 'node2'], ['fd00:10:1::2', 'node1'], ['fd00:10:2::2', 'node2']]);
// Both services have pod2 (10.1.0.2, fd00:10:1::2).
const dns2Backends: Array<[string, string]> = [['10.1.0.2', 'node1'], ['fd00:10:1::2', 'node1']];
const services = `services:\n${dns}${udpService('dns2', ['10.5.0.11', 'fd00:10:5::b'], dns2Backends)}`;

type Answer = UdpResult & { peer?: string; to?: string };

socketLbTest('connected UDP sockets: replies and getpeername show the service (IPv4, IPv6, v4-in-v6); one unconnected socket to two services', async (t) => {
  const c = await socketCluster(t, 'sockpeer', clusterYaml('sockpeer'), services);
  c.applyAll();

  for (const [host, service] of [
    ['10.5.0.10', '10.5.0.10:53'],
    ['fd00:10:5::a', 'fd00:10:5::a:53'],
    ['::ffff:10.5.0.10', '::ffff:10.5.0.10:53'],
  ] as const) {
    const socks = c.client<Answer[][]>('node1', { op: 'udpconnected', host, port: 53, sockets: 12, count: 3 });
    const flat = socks.flat();
    t.deepEqual(flat.filter((r) => r.error), [], `${host}: every request answered`);
    t.true(flat.every((r) => r.from === service), `${host}: replies on a connected socket come from ${service}: ${JSON.stringify(flat.map((r) => r.from))}`);
    t.true(flat.every((r) => r.peer === service), `${host}: getpeername gives ${service}`);
    t.true(socks.every((s) => new Set(s.map((r) => r.backend)).size === 1), `${host}: each socket keeps its backend`);
  }

  // Both services have pod2 (10.1.0.2): one socket asking both must see each reply from the
  // service it asked, so one value per socket could not do; the LRU entries, by backend, do.
  for (const [a, b] of [
    ['10.5.0.10', '10.5.0.11'],
    ['fd00:10:5::a', 'fd00:10:5::b'],
  ] as const) {
    const many = c.client<Answer[]>('node1', { op: 'udpmany', targets: [[a, 53], [b, 53]], count: 6 });
    t.deepEqual(many.filter((r) => r.error), []);
    t.true(many.every((r) => r.from === r.to), `replies come from the service asked: ${JSON.stringify(many.map((r) => [r.to, r.from]))}`);
  }

  const status = c.nodeCli('node1', ['status']);
  t.is(status.status, 0, status.stdout + status.stderr);
  t.regex(status.stdout, /lb4_sock_peer: .*values live in the sockets that hold them/);
  t.notRegex(status.stdout, /cannot read/);
  t.notRegex(status.stdout, /cgroup_inet_sock_release/, 'no sock_release program: storage goes with the socket');
  const dump = c.nodeCli('node1', ['dump', 'lb6_sock_peer']);
  t.is(dump.status, 0, dump.stderr);
  t.regex(dump.stdout, /map lb6_sock_peer \(.*\): values live in the sockets/);

  // A new revision (a backend added): the storage maps stay the same kernel objects.
  const storageIds = (text: string) => [...text.matchAll(/(lb[46]_sock_peer): .*, id (\d+);/g)].map((m) => `${m[1]} ${m[2]}`);
  const before = storageIds(status.stdout);
  t.is(before.length, 2, status.stdout);
  c.compile(`services:\n${dns}${udpService('dns2', ['10.5.0.11', 'fd00:10:5::b'], [...dns2Backends, ['10.2.0.2', 'node2']])}`);
  c.apply('node1');
  const after = c.nodeCli('node1', ['status']);
  t.deepEqual(storageIds(after.stdout), before, 'the apply kept the storage maps');
  const again = c.client<Answer[][]>('node1', { op: 'udpconnected', host: '10.5.0.11', port: 53, sockets: 6, count: 2 }).flat();
  t.true(again.every((r) => r.from === '10.5.0.11:53' && r.peer === '10.5.0.11:53'), JSON.stringify(again));
});
