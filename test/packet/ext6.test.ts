// IPv6 extension headers and fragments on the north-south path, byte for byte on tc and XDP: the
// chain is walked to the L4 header (hop-by-hop, destination options, a routing header with no
// segments left) and kept through translation; a routing header with segments left, a chain
// longer than the walk, one cut short go to the stack untouched; fragments follow the IPv4 path
// (the first translated with its ports, which frag6 remembers; later ones by addresses; a later
// one whose first was not seen passes); DSR falls back to SNAT behind extension headers.

import { packetTest } from './packet-test.ts';
import { diffBytes, ip6, udpDatagram, word, fragmentHeader, type Ext6 } from './frames.ts';
import { MAC } from './harness.ts';
import { verdicts } from './scene.ts';
import { CLIENT6, frame6x, NODE6, REMOTE6, scene6 } from './scene6.ts';

const hopByHop: Ext6 = { type: 0, bytes: [0, 1, 4, 0, 0, 0, 0] }; // PadN, 8 bytes
const destOpts: Ext6 = { type: 60, bytes: [1, 1, 12, ...new Array(12).fill(0)] }; // PadN, 16 bytes
const routingDone: Ext6 = { type: 43, bytes: [2, 4, 0, 0, 0, 0, 0, ...ip6('fd00:10::1')] }; // SRH, segments left 0, 24 bytes
const routingOn: Ext6 = { type: 43, bytes: [2, 4, 1, 0, 0, 0, 0, ...ip6('fd00:10::9')] }; // segments left 1

for (const hook of ['tc', 'xdp'] as const) {
  const v = verdicts[hook];

  packetTest(`${hook}: IPv6 extension headers are walked to the L4 header and kept through SNAT`, (t) => {
    const dp = scene6(t, { hook });
    const exts = [hopByHop, destOpts, routingDone];
    const r = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47100, dport: 30001, exts }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 54 + 48);
    t.true(port >= 61000, `SNAT port ${port}, read behind 48 bytes of extension headers`);
    t.is(diffBytes(r.data, frame6x({ src: NODE6, dst: REMOTE6, sport: port, dport: 80, hops: 63, exts, dstMac: MAC.node2, srcMac: MAC.eth0 })), '');
    // And the backend's reply, with a destination options header of its own.
    const back = dp.ingress(frame6x({ src: REMOTE6, dst: NODE6, sport: 80, dport: port, flags: 0x12, exts: [destOpts], srcMac: MAC.node2 }));
    t.is(back.retval, v.tx);
    t.is(diffBytes(back.data, frame6x({ src: NODE6, dst: CLIENT6, sport: 30001, dport: 47100, flags: 0x12, hops: 63, exts: [destOpts], dstMac: MAC.gateway, srcMac: MAC.eth0 })), '');
  });

  packetTest(`${hook}: IPv6 chains the path does not translate go to the stack untouched`, (t) => {
    const dp = scene6(t, { hook });
    const seven = new Array(7).fill({ type: 60, bytes: [0, 1, 4, 0, 0, 0, 0] });
    const cutShort = frame6x({ src: CLIENT6, dst: NODE6, sport: 47101, dport: 30001, exts: [{ type: 60, bytes: [8, 1, 4, 0, 0, 0, 0] }] });
    const frames = [
      frame6x({ src: CLIENT6, dst: NODE6, sport: 47101, dport: 30001, exts: [routingOn] }), // not the last hop
      frame6x({ src: CLIENT6, dst: NODE6, sport: 47101, dport: 30001, exts: seven }), // longer than the walk
      cutShort, // a header claiming 72 bytes where there are 28
    ];
    for (const frame of frames) {
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass);
      t.is(diffBytes(r.data, frame), '');
    }
    // Six headers are walked.
    const six = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47102, dport: 30001, exts: seven.slice(1) }));
    t.is(six.retval, v.tx);
  });

  packetTest(`${hook}: IPv6 fragments: the first with its ports, later ones by the fragment map`, (t) => {
    const dp = scene6(t, { hook });
    const payload = Array.from({ length: 40 }, (_, i) => i);
    const split = (src: string, dst: string, sport: number, dport: number, hops: number, dstMac: number[], srcMac: number[]) => {
      const d = udpDatagram({ src, dst, sport, dport, payload });
      const s = { src, dst, sport, dport, udp: true, hops, dstMac, srcMac };
      return [frame6x({ ...s, exts: [fragmentHeader(0, true, 0x4242)] }, d.slice(0, 24)), frame6x({ ...s, exts: [fragmentHeader(3, false, 0x4242)] }, d.slice(24))];
    };
    const [first, later] = split(CLIENT6, NODE6, 5001, 30001, 64, MAC.eth0, MAC.gateway);
    const early = dp.ingress(later!);
    t.is(early.retval, v.pass, 'a later fragment before its first: nothing is known about it');
    t.is(diffBytes(early.data, later!), '');
    const r1 = dp.ingress(first!);
    const r2 = dp.ingress(later!);
    t.is(r1.retval, v.tx);
    t.is(r2.retval, v.tx);
    const port = word(r1.data, 54 + 8);
    const [want1, want2] = split(NODE6, REMOTE6, port, 80, 63, MAC.node2, MAC.eth0);
    t.is(diffBytes(r1.data, want1!), '', 'first fragment: addresses, ports, the whole datagram\'s checksum');
    t.is(diffBytes(r2.data, want2!), '', 'later fragment: addresses only');
  });

  packetTest(`${hook}: IPv6 DSR goes by SNAT behind extension headers (the option must follow the IPv6 header)`, (t) => {
    const dp = scene6(t, { hook, dsr: true });
    const r = dp.ingress(frame6x({ src: CLIENT6, dst: NODE6, sport: 47103, dport: 30001, exts: [hopByHop] }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 54 + 8);
    t.is(diffBytes(r.data, frame6x({ src: NODE6, dst: REMOTE6, sport: port, dport: 80, hops: 63, exts: [hopByHop], dstMac: MAC.node2, srcMac: MAC.eth0 })), '');
  });
}
