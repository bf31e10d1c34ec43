// A new IPv4 flow to a service without endpoints, byte for byte on tc and XDP: the client's
// packet comes back as ICMP port unreachable from the frontend it used (NodePort: the node's
// address; LoadBalancer: its IP), quoting the IPv4 header and 8 bytes of UDP or TCP's 20-byte
// header, TTL 64, precedence "internetwork control" (0xc0), MACs swapped, out where it came in.
// Ethernet padding is not quoted. What may not be answered stays a drop: IP options, an Ethernet
// broadcast, a multicast source, and a Local policy's empty set (frontends4.test.ts).

import { packetTest } from './packet-test.ts';
import { checksum, diffBytes, frame4, icmpError } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, NODE, packet, scene, type Scene } from './scene.ts';
import { conntrack4, putService4 } from './tables.ts';

const EMPTY_LB = '10.3.0.4';
const EMPTY_NODE_PORT = 30021;

/** The scene with a NodePort (TCP and UDP) and a LoadBalancer IP whose service has no endpoint. */
function emptyScene(s: Scene): Scene {
  putService4(s.dp, { address: '0.0.0.0', port: EMPTY_NODE_PORT, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [], revNatId: 21, serviceId: 21 });
  putService4(s.dp, { address: '0.0.0.0', port: EMPTY_NODE_PORT, protocol: 17, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [], revNatId: 22, serviceId: 22 });
  putService4(s.dp, { address: EMPTY_LB, port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE'], backends: [], revNatId: 23, serviceId: 23 });
  return s;
}

/** The answer as the kernel's own ICMP errors look: TOS 0xc0, ID 0, TTL 64, gateway-bound. */
function unreachable(from: string, quote: Uint8Array): Uint8Array {
  const f = frame4({ dstMac: MAC.gateway, srcMac: MAC.eth0, src: from, dst: CLIENT, proto: 1, ttl: 64, id: 0, l4: icmpError(3, 3, [0, 0, 0, 0], [...quote]) });
  f[15] = 0xc0;
  f[24] = 0;
  f[25] = 0;
  const c = checksum(f.subarray(14, 34));
  f[24] = c >> 8;
  f[25] = c & 0xff;
  return f;
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: TCP SYN to a NodePort without endpoints: port unreachable from the node, quoting IP + TCP header`, (t) => {
    const { dp, v } = emptyScene(scene(t, { hook }));
    const syn = packet({ src: CLIENT, dst: NODE, sport: 43000, dport: EMPTY_NODE_PORT });
    const r = dp.ingress(syn);
    t.is(r.retval, v.tx);
    t.is(diffBytes(r.data, unreachable(NODE, syn.subarray(14, 14 + 20 + 20))), '');
    t.is(conntrack4(dp).length, 0, 'nothing remembered');
  });

  packetTest(`${hook}: UDP to a NodePort and a LoadBalancer IP without endpoints: quoting IP + 8 bytes, from the frontend used`, (t) => {
    const { dp, v } = emptyScene(scene(t, { hook }));
    for (const [dst, dport] of [[NODE, EMPTY_NODE_PORT], [EMPTY_LB, 80]] as const) {
      const dgram = packet({ src: CLIENT, dst, sport: 43001, dport, proto: 'udp', payload: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] });
      const r = dp.ingress(dgram);
      t.is(r.retval, v.tx, `${dst}:${dport}`);
      t.is(diffBytes(r.data, unreachable(dst, dgram.subarray(14, 14 + 20 + 8))), '', `${dst}:${dport}`);
    }
  });

  packetTest(`${hook}: a frame with Ethernet padding: the answer quotes the datagram, not the padding`, (t) => {
    const { dp, v } = emptyScene(scene(t, { hook }));
    const dgram = packet({ src: CLIENT, dst: NODE, sport: 43003, dport: EMPTY_NODE_PORT, proto: 'udp', payload: [] });
    const padded = new Uint8Array(60);
    padded.set(dgram);
    const r = dp.ingress(padded);
    t.is(r.retval, v.tx);
    const want = unreachable(NODE, dgram.subarray(14, 14 + 20 + 8));
    // XDP cuts by the IPv4 total length, so the padding stays behind the answer; tc cuts exactly.
    t.is(diffBytes(r.data.subarray(0, want.length), want), '');
    t.is(r.data.length, hook === 'xdp' ? want.length + 18 : want.length);
  });

  packetTest(`${hook}: no answer to IP options, an Ethernet broadcast or a multicast source: dropped`, (t) => {
    const { dp, v } = emptyScene(scene(t, { hook }));
    const cases = {
      options: packet({ src: CLIENT, dst: NODE, sport: 43002, dport: EMPTY_NODE_PORT, ip: { options: [1, 1, 1, 0] } }),
      broadcast: packet({ src: CLIENT, dst: NODE, sport: 43002, dport: EMPTY_NODE_PORT, dstMac: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] }),
      multicast: packet({ src: '224.0.0.9', dst: NODE, sport: 43002, dport: EMPTY_NODE_PORT, proto: 'udp' }),
    };
    for (const [name, frame] of Object.entries(cases)) t.is(dp.ingress(frame).retval, v.drop, name);
  });
}
