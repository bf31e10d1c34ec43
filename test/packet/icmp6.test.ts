// ICMPv6 errors about translated IPv6 flows, byte for byte on tc and XDP: the quote (addresses,
// ports, its L4 checksum, its extension headers kept), the ICMPv6 checksum over message and pseudo
// header, the outer addresses, hop limit and MACs, every expected frame built here from scratch.
// Both ways through SNAT (the backend's port unreachable, a router's "packet too big" for the
// client; the client side's errors for the server), a local backend's error at egress, and a DSR
// backend's error whose quote carries the DSR Destination Options header.

import { packetTest } from './packet-test.ts';
import { diffBytes, ethernet, icmp6Error, ip6, packet6, word, TCP_ACK, TCP_SYN, type Ext6 } from './frames.ts';
import { MAC } from './harness.ts';
import { verdicts } from './scene.ts';
import { CLIENT6, frame6x, l4of, LB6, LOCAL6, NODE6, OUTSIDER6, REMOTE6, scene6, type Seg6 } from './scene6.ts';

const PORT_UNREACHABLE = [1, 4, [0, 0, 0, 0]] as const;
const TOO_BIG = [2, 0, [0, 0, 0x05, 0x78]] as const; // MTU 1400
const TIME_EXCEEDED = [3, 0, [0, 0, 0, 0]] as const;

/** A frame carrying an ICMPv6 error from `src` to `dst` that quotes the packet `quoted` describes. */
function error6(src: string, dst: string, kind: readonly [number, number, readonly number[]], quoted: Seg6, o: { hops?: number; dstMac?: number[]; srcMac?: number[] } = {}): Uint8Array {
  const quote = packet6({ src: quoted.src, dst: quoted.dst, hopLimit: quoted.hops, exts: quoted.exts, proto: quoted.udp ? 17 : 6, l4: l4of(quoted) });
  const msg = icmp6Error(src, dst, kind[0], kind[1], [...kind[2]], quote);
  return ethernet(o.dstMac ?? MAC.eth0, o.srcMac ?? MAC.gateway, 0x86dd, packet6({ src, dst, hopLimit: o.hops, proto: 58, l4: msg }));
}

for (const hook of ['tc', 'xdp'] as const) {
  const v = verdicts[hook];

  packetTest(`${hook}: IPv6 SNAT: the backend's port unreachable, a router's "packet too big" and "time exceeded" reach the client`, (t) => {
    const dp = scene6(t, { hook });
    const r = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47200, dport: 30001, udp: true }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 54);
    const sent: Seg6 = { src: NODE6, dst: REMOTE6, sport: port, dport: 80, udp: true, hops: 63 };
    const original: Seg6 = { src: CLIENT6, dst: NODE6, sport: 47200, dport: 30001, udp: true, hops: 63 };
    const out = dp.ingress(error6(REMOTE6, NODE6, PORT_UNREACHABLE, sent, { srcMac: MAC.node2 }));
    t.is(out.retval, v.tx);
    t.is(diffBytes(out.data, error6(NODE6, CLIENT6, PORT_UNREACHABLE, original, { hops: 63, dstMac: MAC.gateway, srcMac: MAC.eth0 })), '', 'from the frontend: the backend itself answered');

    const seg = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47201, dport: 30001, flags: TCP_ACK, payload: [7, 7, 7, 7] }));
    const tport = word(seg.data, 54);
    const tsent: Seg6 = { src: NODE6, dst: REMOTE6, sport: tport, dport: 80, flags: TCP_ACK, payload: [7, 7, 7, 7], hops: 1 };
    const toriginal: Seg6 = { src: CLIENT6, dst: NODE6, sport: 47201, dport: 30001, flags: TCP_ACK, payload: [7, 7, 7, 7], hops: 1 };
    for (const kind of [TOO_BIG, TIME_EXCEEDED]) {
      const e = dp.ingress(error6('fd00:10::2', NODE6, kind, tsent, { srcMac: MAC.node2 }));
      t.is(e.retval, v.tx);
      t.is(diffBytes(e.data, error6('fd00:10::2', CLIENT6, kind, toriginal, { hops: 63, dstMac: MAC.gateway, srcMac: MAC.eth0 })), '', `type ${kind[0]}: the router's address kept`);
    }
  });

  packetTest(`${hook}: IPv6 SNAT: the client side's "packet too big" about the server's reply reaches the backend`, (t) => {
    const dp = scene6(t, { hook });
    const r = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47202, dport: 30001 }));
    const port = word(r.data, 54);
    t.is(dp.ingress(frame6x({ src: REMOTE6, dst: NODE6, sport: 80, dport: port, flags: TCP_SYN | TCP_ACK, srcMac: MAC.node2 })).retval, v.tx);
    const left: Seg6 = { src: NODE6, dst: CLIENT6, sport: 30001, dport: 47202, flags: TCP_SYN | TCP_ACK, hops: 60 };
    const asSent: Seg6 = { src: REMOTE6, dst: NODE6, sport: 80, dport: port, flags: TCP_SYN | TCP_ACK, hops: 60 };
    const out = dp.ingress(error6(OUTSIDER6, NODE6, TOO_BIG, left));
    t.is(out.retval, v.tx);
    t.is(diffBytes(out.data, error6(OUTSIDER6, REMOTE6, TOO_BIG, asSent, { hops: 63, dstMac: MAC.node2, srcMac: MAC.eth0 })), '');
  });

  packetTest(`${hook}: IPv6 local backend: the pod's port unreachable leaves from the LoadBalancer IP`, (t) => {
    const dp = scene6(t, { hook });
    t.is(dp.ingress(frame6x({ src: CLIENT6, dst: LB6, sport: 47203, dport: 80, udp: true })).retval, v.redirect);
    const delivered: Seg6 = { src: CLIENT6, dst: LOCAL6, sport: 47203, dport: 8080, udp: true };
    const e = dp.egress(error6(LOCAL6, CLIENT6, PORT_UNREACHABLE, delivered, { dstMac: MAC.lxc0, srcMac: MAC.pod }));
    t.is(e.retval, 0);
    t.is(diffBytes(e.data, error6(LB6, CLIENT6, PORT_UNREACHABLE, { src: CLIENT6, dst: LB6, sport: 47203, dport: 80, udp: true }, { dstMac: MAC.lxc0, srcMac: MAC.pod })), '');
  });

  packetTest(`${hook}: IPv6 DSR: the backend's error quoting the DSR header leaves from the frontend`, (t) => {
    const dp = scene6(t, { hook, dsr: true });
    const dsr: Ext6 = { type: 60, bytes: [2, 1, 0, 0x1e, 18, 0x75, 0x31, ...ip6('fd00:10::7')] };
    const arriving: Seg6 = { src: CLIENT6, dst: LOCAL6, sport: 47204, dport: 8080, udp: true, hops: 63, exts: [dsr], srcMac: MAC.node2 };
    t.is(dp.ingress(frame6x(arriving)).retval, v.redirect);
    const e = dp.egress(error6(LOCAL6, CLIENT6, PORT_UNREACHABLE, { ...arriving, srcMac: undefined }));
    const original: Seg6 = { src: CLIENT6, dst: 'fd00:10::7', sport: 47204, dport: 30001, udp: true, hops: 63, exts: [dsr] };
    t.is(diffBytes(e.data, error6('fd00:10::7', CLIENT6, PORT_UNREACHABLE, original)), '', 'the quote\'s extension header walked and kept');
  });

  packetTest(`${hook}: ICMPv6 errors that quote no translated flow pass untouched`, (t) => {
    const dp = scene6(t, { hook });
    const stranger = error6(REMOTE6, NODE6, PORT_UNREACHABLE, { src: NODE6, dst: REMOTE6, sport: 61234, dport: 80, udp: true });
    const notToSender = error6(REMOTE6, 'fd00:10::3', PORT_UNREACHABLE, { src: NODE6, dst: REMOTE6, sport: 61234, dport: 80, udp: true });
    const cut = error6(REMOTE6, NODE6, PORT_UNREACHABLE, { src: NODE6, dst: REMOTE6, sport: 61234, dport: 80, udp: true }).slice(0, 54 + 8 + 40 + 2);
    for (const frame of [stranger, notToSender, cut]) {
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass);
      t.is(diffBytes(r.data, frame), '');
    }
  });
}
