// IPv6 north-south translation on tc and XDP, byte for byte: a NodePort to a remote backend by
// SNAT (the node's IPv6 address and a claimed port, hop limit down by one), a LoadBalancer IP
// with a local backend and its reply at egress, DSR with the frontend in a Destination Options
// header at both ends, and what is left to the stack (ICMPv6 echo, AH); ext6.test.ts walks
// extension headers and fragments, icmp6.test.ts translates ICMPv6 errors.

import type { ExecutionContext } from 'ava';
import { packetTest } from './packet-test.ts';
import { diffBytes, frame6, icmpEcho, ip6, tcpSegment, udpDatagram, word, TCP_SYN, type Mac } from './frames.ts';
import { enterPacketNetns, loadNodeport, MAC, type Variant } from './harness.ts';
import { verdicts } from './scene.ts';
import { putNodeConfig, putService6 } from './tables.ts';

const CLIENT6 = '2001:db8:c::1';
const NODE6 = 'fd00:10::1';
const REMOTE6 = 'fd00:10:2::1';
const LOCAL6 = 'fd00:10:1::1';

function setup(t: ExecutionContext, v: Variant) {
  const dp = loadNodeport(t, v, enterPacketNetns(t));
  putNodeConfig(dp, { ipv4: ['10.0.0.1'], podCidr4: '10.1.0.0/24', ipv6: [NODE6], podCidr6: 'fd00:10:1::/64' });
  putService6(dp, { address: '::', port: 30001, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [{ id: 1, address: REMOTE6, port: 80 }], revNatId: 1, serviceId: 1 });
  putService6(dp, { address: 'fd00:10:3::1', port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE', 'LOCAL'], backends: [{ id: 2, address: LOCAL6, port: 8080 }], revNatId: 2, serviceId: 2 });
  return dp;
}

interface Seg {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  udp?: boolean;
  flags?: number;
  hops?: number;
  dstMac?: Mac;
  srcMac?: Mac;
  /** A Destination Options header before the L4 header. */
  ext?: number[];
}

function seg(s: Seg): Uint8Array {
  const l4 = s.udp
    ? udpDatagram({ src: s.src, dst: s.dst, sport: s.sport, dport: s.dport, payload: [1, 2, 3] })
    : tcpSegment({ src: s.src, dst: s.dst, sport: s.sport, dport: s.dport, flags: s.flags ?? TCP_SYN });
  const proto = s.udp ? 17 : 6;
  const payload = s.ext ? [proto, ...s.ext.slice(1), ...l4] : l4;
  return frame6({ src: s.src, dst: s.dst, nextHeader: s.ext ? 60 : proto, hopLimit: s.hops ?? 64, dstMac: s.dstMac ?? MAC.eth0, srcMac: s.srcMac ?? MAC.gateway, payload });
}

/** The DSR header as the datapath writes it: next header (filled by seg), length 2, PadN, option 0x1e. */
const dsrExt = (port: number, addr: string) => [0, 2, 1, 0, 0x1e, 18, port >> 8, port & 0xff, ...ip6(addr)];

for (const hook of ['tc', 'xdp'] as const) {
  const v = verdicts[hook];

  packetTest(`${hook}: IPv6 NodePort to a remote backend: SNAT to the node's IPv6 address, hop limit down by one`, (t) => {
    const dp = setup(t, { hook });
    const r = dp.ingress(seg({ src: CLIENT6, dst: NODE6, sport: 47000, dport: 30001 }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 54);
    t.true(port >= 61000);
    t.is(diffBytes(r.data, seg({ src: NODE6, dst: REMOTE6, sport: port, dport: 80, hops: 63, dstMac: MAC.node2, srcMac: MAC.eth0 })), '');
    const back = dp.ingress(seg({ src: REMOTE6, dst: NODE6, sport: 80, dport: port, flags: 0x12, srcMac: MAC.node2 }));
    t.is(back.retval, v.tx);
    t.is(diffBytes(back.data, seg({ src: NODE6, dst: CLIENT6, sport: 30001, dport: 47000, flags: 0x12, hops: 63, dstMac: MAC.gateway, srcMac: MAC.eth0 })), '');
  });

  packetTest(`${hook}: IPv6 LoadBalancer IP with a local backend, and the pod's reply at egress`, (t) => {
    const dp = setup(t, { hook });
    const r = dp.ingress(seg({ src: CLIENT6, dst: 'fd00:10:3::1', sport: 5353, dport: 80, udp: true }));
    t.is(r.retval, v.redirect);
    t.is(diffBytes(r.data, seg({ src: CLIENT6, dst: LOCAL6, sport: 5353, dport: 8080, udp: true, dstMac: MAC.pod, srcMac: MAC.lxc0 })), '');
    const out = dp.egress(seg({ src: LOCAL6, dst: CLIENT6, sport: 8080, dport: 5353, udp: true, hops: 63 }));
    t.is(out.retval, 0);
    t.is(diffBytes(out.data, seg({ src: 'fd00:10:3::1', dst: CLIENT6, sport: 80, dport: 5353, udp: true, hops: 63 })), '');
  });

  packetTest(`${hook}: IPv6 DSR: the frontend in a Destination Options header, and the backend node's reply`, (t) => {
    const dp = setup(t, { hook, dsr: true });
    const r = dp.ingress(seg({ src: CLIENT6, dst: NODE6, sport: 47001, dport: 30001 }));
    t.is(r.retval, v.tx);
    t.is(diffBytes(r.data, seg({ src: CLIENT6, dst: REMOTE6, sport: 47001, dport: 80, hops: 63, dstMac: MAC.node2, srcMac: MAC.eth0, ext: dsrExt(30001, NODE6) })), '');
    // This node as the backend's: a DSR packet for its pod, balanced by fd00:10::7.
    const arriving = seg({ src: CLIENT6, dst: LOCAL6, sport: 47002, dport: 8080, hops: 63, srcMac: MAC.node2, ext: dsrExt(30001, 'fd00:10::7') });
    const d = dp.ingress(arriving);
    t.is(d.retval, v.redirect);
    t.is(diffBytes(d.data, seg({ src: CLIENT6, dst: LOCAL6, sport: 47002, dport: 8080, hops: 63, dstMac: MAC.pod, srcMac: MAC.lxc0, ext: dsrExt(30001, 'fd00:10::7') })), '');
    const reply = dp.egress(seg({ src: LOCAL6, dst: CLIENT6, sport: 8080, dport: 47002, flags: 0x12 }));
    t.is(diffBytes(reply.data, seg({ src: 'fd00:10::7', dst: CLIENT6, sport: 30001, dport: 47002, flags: 0x12 })), '');
  });

  packetTest(`${hook}: ICMPv6 echo and AH-authenticated packets go to the stack untouched`, (t) => {
    const dp = setup(t, { hook });
    const ping = frame6({ src: CLIENT6, dst: NODE6, nextHeader: 58, dstMac: MAC.eth0, srcMac: MAC.gateway, payload: [128, 0, 0, 0, ...icmpEcho(1, 1).slice(4)] });
    // Translating would break the authentication AH covers the addresses with.
    const ah = [6, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, ...new Array(12).fill(0xab)];
    const authenticated = frame6({ src: CLIENT6, dst: NODE6, nextHeader: 51, dstMac: MAC.eth0, srcMac: MAC.gateway, payload: [...ah, ...tcpSegment({ src: CLIENT6, dst: NODE6, sport: 1, dport: 30001 })] });
    for (const frame of [ping, authenticated]) {
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass);
      t.is(diffBytes(r.data, frame), '');
    }
  });
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: IPv6 hairpin mode: SNAT to a remote backend back out to the MAC it came from`, (t) => {
    const dp = setup(t, { hook, hairpin: true });
    const r = dp.ingress(seg({ src: CLIENT6, dst: NODE6, sport: 47003, dport: 30001 }));
    t.is(r.retval, verdicts[hook].tx);
    const port = word(r.data, 54);
    t.is(diffBytes(r.data, seg({ src: NODE6, dst: REMOTE6, sport: port, dport: 80, hops: 63, dstMac: MAC.gateway, srcMac: MAC.eth0 })), '');
  });
}
