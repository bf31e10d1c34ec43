// The simulator's socket-local storage on generated/demo node1: a connected socket's peer kept
// in its own storage (lb4_sock_peer, keyed by the simulated socket) and read back by
// getpeername and recvmsg on the same socket only, gone when the socket closes; unconnected UDP
// sendmsg keeps using the LRU map.

import test from 'ava';
import { loadSimNode } from '../../simulate/index.ts';

const network = { devices: [{ ifindex: 2, mac: '02:00:00:00:00:01' }], routes: [{ dst: '0.0.0.0/0', dev: 2 }], neighbours: [], local: ['10.0.0.1'] };

test('a TCP connect keeps its peer in the socket: getpeername on that socket gives the ClusterIP back, until it closes', async (t) => {
  const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network, recordMapOps: true });
  const c = node.connect({ family: 4, proto: 'tcp', dst: '10.5.0.2', port: 80, cookie: 41 });
  t.is(c.verdict, 'allow');
  t.not(c.dst, '10.5.0.2');
  t.true(c.mapOps.some((o) => o.map === 'lb4_sock_peer' && o.op === 'update' && o.result === 0), 'storage created at connect');
  t.false(c.mapOps.some((o) => o.map === 'lb4_sock_reverse_nat'), 'no LRU entry for a connected socket');
  const entries = node.maps.get('lb4_sock_peer')!.entries();
  t.is(entries.length, 1);

  const peer = node.connect({ family: 4, proto: 'tcp', dst: c.dst, port: c.port, hook: 'getpeername', cookie: 41 });
  t.deepEqual([peer.dst, peer.port], ['10.5.0.2', 80]);
  const other = node.connect({ family: 4, proto: 'tcp', dst: c.dst, port: c.port, hook: 'getpeername', cookie: 42 });
  t.deepEqual([other.dst, other.port], [c.dst, c.port], 'another socket to the same backend is not translated');

  node.closeSocket(41);
  t.is(node.maps.get('lb4_sock_peer')!.size, 0);
  const closed = node.connect({ family: 4, proto: 'tcp', dst: c.dst, port: c.port, hook: 'getpeername', cookie: 41 });
  t.deepEqual([closed.dst, closed.port], [c.dst, c.port]);
});

test('a socket reconnected to a non-service address no longer reports the service', async (t) => {
  const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network });
  const c = node.connect({ family: 4, proto: 'udp', dst: '10.5.0.10', port: 53, cookie: 7 });
  t.not(c.dst, '10.5.0.10');
  t.deepEqual(node.connect({ family: 4, proto: 'udp', dst: c.dst, port: c.port, hook: 'recvmsg', cookie: 7 }).dst, '10.5.0.10');
  // Connected again, straight to the backend: replies from it are the backend's own.
  t.is(node.connect({ family: 4, proto: 'udp', dst: c.dst, port: c.port, cookie: 7 }).dst, c.dst);
  t.is(node.connect({ family: 4, proto: 'udp', dst: c.dst, port: c.port, hook: 'recvmsg', cookie: 7 }).dst, c.dst);
});

test('unconnected UDP sendmsg keeps the LRU entry by cookie and backend; a repeat leaves it be', async (t) => {
  const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network, recordMapOps: true });
  const first = node.connect({ family: 4, proto: 'udp', dst: '10.5.0.10', port: 53, hook: 'sendmsg', cookie: 9 });
  t.true(first.mapOps.some((o) => o.map === 'lb4_sock_reverse_nat' && o.op === 'update' && o.result === 0));
  t.false(first.mapOps.some((o) => o.map === 'lb4_sock_peer'));
  const again = node.connect({ family: 4, proto: 'udp', dst: '10.5.0.10', port: 53, hook: 'sendmsg', cookie: 9 });
  t.is(again.dst, first.dst, 'one socket, one backend');
  t.false(again.mapOps.some((o) => o.map === 'lb4_sock_reverse_nat' && o.op === 'update'), 'the same entry is not written again');
  const reply = node.connect({ family: 4, proto: 'udp', dst: first.dst, port: first.port, hook: 'recvmsg', cookie: 9 });
  t.deepEqual([reply.dst, reply.port], ['10.5.0.10', 53]);
});
