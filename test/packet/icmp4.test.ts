// ICMP errors about translated IPv4 flows, byte for byte on tc and XDP: each error is translated
// back to what the host on the other side of the load balancer sent (quoted addresses, ports, IP
// and L4 checksums, the ICMP checksum, the outer addresses, TTL and MACs), every expected frame
// built here from scratch. Both ways through SNAT (the backend's port unreachable, a router's
// "fragmentation needed" for the client; and for the server about its reply), a local backend
// both ways (ingress and egress), and a DSR backend's error whose quote carries the DSR option.

import { packetTest } from './packet-test.ts';
import { diffBytes, frame4, icmpError, quote4, tcpSegment, udpDatagram, TCP_ACK, TCP_SYN, word } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, LOCAL, NODE, OUTSIDER, packet, REMOTE, scene } from './scene.ts';

/** "Fragmentation needed", next-hop MTU 1400. */
const FRAG_NEEDED = [3, 4, [0, 0, 0x05, 0x78]] as const;
const PORT_UNREACHABLE = [3, 3, [0, 0, 0, 0]] as const;
const TIME_EXCEEDED = [11, 0, [0, 0, 0, 0]] as const;

interface Err {
  src: string;
  dst: string;
  kind: readonly [number, number, readonly number[]];
  quote: number[];
  ttl?: number;
  srcMac?: number[];
  dstMac?: number[];
}

function icmpFrame(e: Err): Uint8Array {
  return frame4({ dstMac: e.dstMac ?? MAC.eth0, srcMac: e.srcMac ?? MAC.gateway, src: e.src, dst: e.dst, proto: 1, ttl: e.ttl, l4: icmpError(e.kind[0], e.kind[1], [...e.kind[2]], e.quote) });
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: SNAT, the backend's port unreachable reaches the client about the datagram it sent`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42100, dport: 30001, proto: 'udp' }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 34);
    const sent = udpDatagram({ src: NODE, dst: REMOTE, sport: port, dport: 80, payload: [1, 2, 3] });
    const err = icmpFrame({ src: REMOTE, dst: NODE, kind: PORT_UNREACHABLE, srcMac: MAC.node2, quote: quote4({ src: NODE, dst: REMOTE, proto: 17, ttl: 63 }, sent) });
    const out = dp.ingress(err);
    t.is(out.retval, v.tx);
    const original = udpDatagram({ src: CLIENT, dst: NODE, sport: 42100, dport: 30001, payload: [1, 2, 3] });
    const want = icmpFrame({ src: NODE, dst: CLIENT, ttl: 63, kind: PORT_UNREACHABLE, srcMac: MAC.eth0, dstMac: MAC.gateway, quote: quote4({ src: CLIENT, dst: NODE, proto: 17, ttl: 63 }, original) });
    t.is(diffBytes(out.data, want), '', 'the backend itself answered: the error comes from the frontend');
  });

  packetTest(`${hook}: SNAT, a router's "fragmentation needed" and "time exceeded" reach the client, the router's address kept`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42101, dport: 30001, flags: TCP_ACK, payload: [9, 9, 9, 9] }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 34);
    const sent = tcpSegment({ src: NODE, dst: REMOTE, sport: port, dport: 80, flags: TCP_ACK, payload: [9, 9, 9, 9] });
    const original = tcpSegment({ src: CLIENT, dst: NODE, sport: 42101, dport: 30001, flags: TCP_ACK, payload: [9, 9, 9, 9] });
    for (const kind of [FRAG_NEEDED, TIME_EXCEEDED]) {
      const out = dp.ingress(icmpFrame({ src: '10.0.0.2', dst: NODE, kind, srcMac: MAC.node2, quote: quote4({ src: NODE, dst: REMOTE, proto: 6, ttl: 1 }, sent) }));
      t.is(out.retval, v.tx);
      const want = icmpFrame({ src: '10.0.0.2', dst: CLIENT, ttl: 63, kind, srcMac: MAC.eth0, dstMac: MAC.gateway, quote: quote4({ src: CLIENT, dst: NODE, proto: 6, ttl: 1 }, original) });
      t.is(diffBytes(out.data, want), '', `type ${kind[0]} code ${kind[1]}: quoted TCP checksum, ICMP checksum, outer header`);
    }
    // Only the first 8 bytes of TCP quoted (RFC 792's minimum): ports translated, no checksum to fix.
    const short = dp.ingress(icmpFrame({ src: '10.0.0.2', dst: NODE, kind: FRAG_NEEDED, srcMac: MAC.node2, quote: quote4({ src: NODE, dst: REMOTE, proto: 6 }, sent).slice(0, 28) }));
    t.is(short.retval, v.tx);
    const wantShort = icmpFrame({ src: '10.0.0.2', dst: CLIENT, ttl: 63, kind: FRAG_NEEDED, srcMac: MAC.eth0, dstMac: MAC.gateway, quote: [...quote4({ src: CLIENT, dst: NODE, proto: 6 }, original).slice(0, 20), ...quote4({ src: CLIENT, dst: NODE, proto: 6 }, original).slice(20, 28)] });
    // The quoted IP header's total length still says what the whole packet was.
    t.is(diffBytes(short.data, wantShort), '');
  });

  packetTest(`${hook}: SNAT, the client side's errors about the server's reply reach the backend (path MTU for the server)`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42102, dport: 30001 }));
    const port = word(r.data, 34);
    const reply = dp.ingress(packet({ src: REMOTE, dst: NODE, sport: 80, dport: port, flags: TCP_SYN | TCP_ACK, srcMac: MAC.node2 }));
    t.is(reply.retval, v.tx);
    const left = tcpSegment({ src: NODE, dst: CLIENT, sport: 30001, dport: 42102, flags: TCP_SYN | TCP_ACK });
    const asSent = tcpSegment({ src: REMOTE, dst: NODE, sport: 80, dport: port, flags: TCP_SYN | TCP_ACK });
    // A router on the client's side: its address kept.
    const out = dp.ingress(icmpFrame({ src: OUTSIDER, dst: NODE, kind: FRAG_NEEDED, quote: quote4({ src: NODE, dst: CLIENT, proto: 6, ttl: 60 }, left) }));
    t.is(out.retval, v.tx);
    t.is(diffBytes(out.data, icmpFrame({ src: OUTSIDER, dst: REMOTE, ttl: 63, kind: FRAG_NEEDED, srcMac: MAC.eth0, dstMac: MAC.node2, quote: quote4({ src: REMOTE, dst: NODE, proto: 6, ttl: 60 }, asSent) })), '');
    // The client itself: the error comes from the node's SNAT address, as the backend knows it.
    const own = dp.ingress(icmpFrame({ src: CLIENT, dst: NODE, kind: PORT_UNREACHABLE, quote: quote4({ src: NODE, dst: CLIENT, proto: 6, ttl: 60 }, left) }));
    t.is(own.retval, v.tx);
    t.is(diffBytes(own.data, icmpFrame({ src: NODE, dst: REMOTE, ttl: 63, kind: PORT_UNREACHABLE, srcMac: MAC.eth0, dstMac: MAC.node2, quote: quote4({ src: REMOTE, dst: NODE, proto: 6, ttl: 60 }, asSent) })), '');
  });

  packetTest(`${hook}: a local backend: the client's error reaches the pod, the pod's error leaves from the frontend`, (t) => {
    const { dp, v } = scene(t, { hook });
    // TCP NodePort 30002 → the pod: an error from the client side about the pod's reply.
    t.is(dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42103, dport: 30002 })).retval, v.redirect);
    const left = tcpSegment({ src: NODE, dst: CLIENT, sport: 30002, dport: 42103, flags: TCP_SYN | TCP_ACK });
    const out = dp.ingress(icmpFrame({ src: OUTSIDER, dst: NODE, kind: FRAG_NEEDED, quote: quote4({ src: NODE, dst: CLIENT, proto: 6 }, left) }));
    t.is(out.retval, v.redirect);
    const asSent = tcpSegment({ src: LOCAL, dst: CLIENT, sport: 8080, dport: 42103, flags: TCP_SYN | TCP_ACK });
    t.is(diffBytes(out.data, icmpFrame({ src: OUTSIDER, dst: LOCAL, kind: FRAG_NEEDED, srcMac: MAC.lxc0, dstMac: MAC.pod, quote: quote4({ src: LOCAL, dst: CLIENT, proto: 6 }, asSent) })), '', 'into the pod: no TTL change, the FIB\'s MACs');
    // UDP LB IP 10.3.0.1:80 → the pod, whose port is closed: its error leaves from the LB IP.
    t.is(dp.ingress(packet({ src: CLIENT, dst: '10.3.0.1', sport: 42104, dport: 80, proto: 'udp' })).retval, v.redirect);
    const delivered = udpDatagram({ src: CLIENT, dst: LOCAL, sport: 42104, dport: 8080, payload: [1, 2, 3] });
    const podErr = icmpFrame({ src: LOCAL, dst: CLIENT, kind: PORT_UNREACHABLE, srcMac: MAC.pod, dstMac: MAC.lxc0, quote: quote4({ src: CLIENT, dst: LOCAL, proto: 17, ttl: 64 }, delivered) });
    const e = dp.egress(podErr);
    t.is(e.retval, 0);
    const original = udpDatagram({ src: CLIENT, dst: '10.3.0.1', sport: 42104, dport: 80, payload: [1, 2, 3] });
    t.is(diffBytes(e.data, icmpFrame({ src: '10.3.0.1', dst: CLIENT, kind: PORT_UNREACHABLE, srcMac: MAC.pod, dstMac: MAC.lxc0, quote: quote4({ src: CLIENT, dst: '10.3.0.1', proto: 17, ttl: 64 }, original) })), '');
  });

  packetTest(`${hook}: DSR, the backend's error about a datagram that carried the option leaves from the frontend`, (t) => {
    const { dp, v } = scene(t, { hook, dsr: true });
    const option = [0x9e, 8, 0x75, 0x31, 10, 0, 0, 7]; // frontend 10.0.0.7:30001, balanced elsewhere
    const delivered = udpDatagram({ src: CLIENT, dst: LOCAL, sport: 42105, dport: 8080, payload: [5] });
    const arriving = frame4({ dstMac: MAC.eth0, srcMac: MAC.node2, src: CLIENT, dst: LOCAL, proto: 17, ttl: 63, options: option, l4: delivered });
    t.is(dp.ingress(arriving).retval, v.redirect);
    const podErr = icmpFrame({ src: LOCAL, dst: CLIENT, kind: PORT_UNREACHABLE, quote: quote4({ src: CLIENT, dst: LOCAL, proto: 17, ttl: 63, options: option }, delivered) });
    const e = dp.egress(podErr);
    const original = udpDatagram({ src: CLIENT, dst: '10.0.0.7', sport: 42105, dport: 30001, payload: [5] });
    t.is(diffBytes(e.data, icmpFrame({ src: '10.0.0.7', dst: CLIENT, kind: PORT_UNREACHABLE, quote: quote4({ src: CLIENT, dst: '10.0.0.7', proto: 17, ttl: 63, options: option }, original) })), '', 'the quote\'s options are skipped and kept');
  });

  packetTest(`${hook}: errors that quote no translated flow, or do not go back to the quoted sender, pass untouched`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42106, dport: 30001, proto: 'udp' }));
    const port = word(r.data, 34);
    const sent = udpDatagram({ src: NODE, dst: REMOTE, sport: port, dport: 80, payload: [1, 2, 3] });
    const frames = [
      // Another port: no flow.
      icmpFrame({ src: REMOTE, dst: NODE, kind: PORT_UNREACHABLE, quote: quote4({ src: NODE, dst: REMOTE, proto: 17 }, udpDatagram({ src: NODE, dst: REMOTE, sport: 61000 + ((port - 61000 + 1) % 4536), dport: 80 })) }),
      // Sent to someone other than the quoted packet's source.
      icmpFrame({ src: REMOTE, dst: '10.0.0.3', kind: PORT_UNREACHABLE, quote: quote4({ src: NODE, dst: REMOTE, proto: 17 }, sent) }),
      // Not an error: an echo request quoting nothing.
      frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: NODE, proto: 1, l4: icmpError(8, 0, [0, 1, 0, 1], [...sent]) }),
      // The quote cut inside its ports.
      icmpFrame({ src: REMOTE, dst: NODE, kind: PORT_UNREACHABLE, quote: quote4({ src: NODE, dst: REMOTE, proto: 17 }, sent).slice(0, 22) }),
    ];
    for (const frame of frames) {
      const out = dp.ingress(frame);
      t.is(out.retval, v.pass);
      t.is(diffBytes(out.data, frame), '');
    }
  });
}
