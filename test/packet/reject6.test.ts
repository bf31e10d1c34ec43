// A new IPv6 flow to a service without endpoints, byte for byte on tc and XDP: the client's
// packet comes back as ICMPv6 port unreachable (type 1, code 4) from the frontend it used,
// quoting the IPv6 header and 8 bytes of UDP or TCP's 20-byte header, hop limit 64, checksum
// over the pseudo header, MACs swapped. Packets with extension headers and multicast sources
// are dropped as before.

import { packetTest } from './packet-test.ts';
import { diffBytes, ethernet, fragmentHeader, icmp6Error, packet6 } from './frames.ts';
import { MAC } from './harness.ts';
import { verdicts } from './scene.ts';
import { CLIENT6, frame6x, NODE6, scene6 } from './scene6.ts';
import { putService6 } from './tables.ts';

const EMPTY_NODE_PORT = 30021;
const EMPTY_LB6 = 'fd00:10:3::4';

function unreachable6(from: string, quote: Uint8Array): Uint8Array {
  return ethernet(MAC.gateway, MAC.eth0, 0x86dd, packet6({ src: from, dst: CLIENT6, hopLimit: 64, proto: 58, l4: icmp6Error(from, CLIENT6, 1, 4, [0, 0, 0, 0], [...quote]) }));
}

for (const hook of ['tc', 'xdp'] as const) {
  const v = verdicts[hook];
  const emptyScene = (t: Parameters<typeof scene6>[0]) => {
    const dp = scene6(t, { hook });
    putService6(dp, { address: '::', port: EMPTY_NODE_PORT, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [], revNatId: 21, serviceId: 21 });
    putService6(dp, { address: EMPTY_LB6, port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE'], backends: [], revNatId: 22, serviceId: 22 });
    return dp;
  };

  packetTest(`${hook}: IPv6 TCP SYN and UDP to frontends without endpoints: ICMPv6 port unreachable from the frontend used`, (t) => {
    const dp = emptyScene(t);
    const syn = frame6x({ src: CLIENT6, dst: NODE6, sport: 44000, dport: EMPTY_NODE_PORT });
    const r = dp.ingress(syn);
    t.is(r.retval, v.tx);
    t.is(diffBytes(r.data, unreachable6(NODE6, syn.subarray(14, 14 + 40 + 20))), '');
    const dgram = frame6x({ src: CLIENT6, dst: EMPTY_LB6, sport: 44001, dport: 80, udp: true, payload: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2] });
    const u = dp.ingress(dgram);
    t.is(u.retval, v.tx);
    t.is(diffBytes(u.data, unreachable6(EMPTY_LB6, dgram.subarray(14, 14 + 40 + 8))), '');
  });

  packetTest(`${hook}: IPv6 without an answer: extension headers, a multicast source`, (t) => {
    const dp = emptyScene(t);
    const frag = frame6x({ src: CLIENT6, dst: NODE6, sport: 44002, dport: EMPTY_NODE_PORT, exts: [fragmentHeader(0, true, 77)] });
    t.is(dp.ingress(frag).retval, v.drop, 'first fragment (an extension header)');
    t.is(dp.ingress(frame6x({ src: 'ff02::1', dst: NODE6, sport: 44003, dport: EMPTY_NODE_PORT })).retval, v.drop, 'multicast source');
  });
}
