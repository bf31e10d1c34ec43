// The differential test's packets: the packet tests' node (test/packet/scene.ts, scene6.ts)
// with one service of every frontend type, and a seeded stream of frames over it — flows
// through every datapath path (new flow, established, the backend's reply, FIN, UDP, SNAT to a
// remote backend, a local backend, a service without endpoints (port unreachable), ICMP errors
// quoting a translated flow, IPv4 fragments, IPv6 with extension headers and fragments, source
// ranges, session affinity), plus mutations of those frames and random ones.

import { ethernet, fragmentHeader, frame4, icmpError, ip6, packet6, tcpSegment, udpDatagram, TCP_ACK, TCP_FIN, TCP_SYN, type Ext6 } from '../packet/frames.ts';
import { MAC, type Datapath } from '../packet/harness.ts';
import { CLIENT, LOCAL, NODE, OUTSIDER, REMOTE, packet, putScene4Services } from '../packet/scene.ts';
import { CLIENT6, LB6, LOCAL6, NODE6, REMOTE6, putScene6Services } from '../packet/scene6.ts';
import { putNodeConfig, putService4, putService6 } from '../packet/tables.ts';

/** Writes the scene's tables (scene.ts and scene6.ts together, plus an affinity service). */
export function writeTables(dp: Datapath): void {
  putNodeConfig(dp, { ipv4: [NODE], podCidr4: '10.1.0.0/24', ipv6: [NODE6], podCidr6: 'fd00:10:1::/64' });
  putScene4Services(dp);
  putScene6Services(dp);
  const remote = [{ id: 1, address: REMOTE, port: 80 }];
  putService4(dp, { address: '0.0.0.0', port: 30006, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [...remote, { id: 4, address: '10.2.0.2', port: 80 }], affinity: 60, revNatId: 11, serviceId: 11 });
  // No endpoint: the port unreachable answer (nodeport/reject4.ts).
  for (const protocol of [6, 17]) {
    putService4(dp, { address: '0.0.0.0', port: 30021, protocol, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [], revNatId: 12 + protocol, serviceId: 12 + protocol });
    putService6(dp, { address: '::', port: 30021, protocol, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [], revNatId: 40 + protocol, serviceId: 40 + protocol });
  }
}

export interface Send {
  program: 'ingress' | 'egress';
  frame: Uint8Array;
  /** 'eth0' or 'lxc0'. */
  device: 'eth0' | 'lxc0';
}

/** Runs a frame on both sides and returns the kernel's output (the next frame of a flow is built from it). */
export type Sender = (s: Send) => { retval: number; data: Uint8Array };

type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const bytes = (r: Random, n: number) => Array.from({ length: n }, () => int(r, 0, 255));

/** Frontends a client outside reaches: address, port, protocol. */
const frontends4 = [
  [NODE, 30001, 'tcp'], [NODE, 30001, 'udp'], [NODE, 30002, 'tcp'], ['10.3.0.1', 80, 'udp'], ['10.3.0.2', 80, 'tcp'],
  ['203.0.113.10', 8080, 'tcp'], [NODE, 10000, 'tcp'], ['10.5.0.1', 80, 'tcp'], ['10.3.0.3', 80, 'tcp'], [NODE, 30005, 'tcp'],
  [NODE, 30006, 'tcp'], [NODE, 30009, 'tcp'], [NODE, 22, 'tcp'], [NODE, 30021, 'tcp'], [NODE, 30021, 'udp'],
] as const;
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, the talk's v4-in-v6) never belong on the wire;
// frames with them go through the IPv6 path, whatever it makes of them, on both sides alike.
const MAPPED_NODE = '::ffff:a00:1';
const MAPPED_CLIENT = '::ffff:c633:6401';
const frontends6 = [[NODE6, 30001, 'tcp'], [NODE6, 30001, 'udp'], [LB6, 80, 'udp'], [NODE6, 30002, 'tcp'], [NODE6, 30021, 'tcp'], [NODE6, 30021, 'udp'], [MAPPED_NODE, 30001, 'tcp'], ['::ffff:a03:1', 80, 'udp'], ['::ffff:a05:1', 80, 'tcp']] as const;

interface Parsed {
  v6: boolean;
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  l3: number;
}

function parse(frame: Uint8Array): Parsed | undefined {
  const type = (frame[12]! << 8) | frame[13]!;
  const addr4 = (o: number) => [...frame.subarray(o, o + 4)].join('.');
  const addr6 = (o: number) => Array.from({ length: 8 }, (_, i) => ((frame[o + 2 * i]! << 8) | frame[o + 2 * i + 1]!).toString(16)).join(':');
  if (type === 0x0800 && frame.length >= 34) {
    const ihl = (frame[14]! & 15) * 4;
    const l4 = 14 + ihl;
    if (frame.length < l4 + 4) return undefined;
    return { v6: false, src: addr4(26), dst: addr4(30), proto: frame[23]!, sport: (frame[l4]! << 8) | frame[l4 + 1]!, dport: (frame[l4 + 2]! << 8) | frame[l4 + 3]!, l3: 14 };
  }
  if (type === 0x86dd && frame.length >= 58 && (frame[20] === 6 || frame[20] === 17)) {
    return { v6: true, src: addr6(22), dst: addr6(38), proto: frame[20]!, sport: (frame[54]! << 8) | frame[55]!, dport: (frame[56]! << 8) | frame[57]!, l3: 14 };
  }
  return undefined;
}

/** The same address, however written (IPv6 with or without :: compression). */
function sameAddress(a: string, b: string): boolean {
  if (a.includes(':') !== b.includes(':')) return false;
  return a.includes(':') ? ip6(a).join() === ip6(b).join() : a === b;
}

function segment(p: { v6: boolean; src: string; dst: string; sport: number; dport: number; udp: boolean; flags?: number; payload?: number[]; exts?: Ext6[]; srcMac?: number[]; dstMac?: number[] }): Uint8Array {
  if (!p.v6) return packet({ src: p.src, dst: p.dst, sport: p.sport, dport: p.dport, proto: p.udp ? 'udp' : 'tcp', flags: p.flags, payload: p.payload, srcMac: p.srcMac, dstMac: p.dstMac });
  const l4 = p.udp ? udpDatagram({ src: p.src, dst: p.dst, sport: p.sport, dport: p.dport, payload: p.payload ?? [1, 2, 3] }) : tcpSegment({ src: p.src, dst: p.dst, sport: p.sport, dport: p.dport, flags: p.flags ?? TCP_SYN, payload: p.payload ?? [] });
  return ethernet(p.dstMac ?? MAC.eth0, p.srcMac ?? MAC.gateway, 0x86dd, packet6({ src: p.src, dst: p.dst, exts: p.exts, proto: p.udp ? 17 : 6, l4 }));
}

/** A flow: the client's first packet, the backend's reply to what left, the client's next, a FIN; sometimes an ICMP error about it. */
function flow(r: Random, send: Sender, recent: Uint8Array[]): void {
  const v6 = r() < 0.3;
  const [dst, dport, proto] = v6 ? pick(r, frontends6) : pick(r, frontends4);
  const udp = proto === 'udp';
  const src = v6 ? pick(r, [CLIENT6, '2001:db8:c::9', MAPPED_CLIENT]) : pick(r, [CLIENT, OUTSIDER, `198.51.100.${int(r, 2, 254)}`]);
  const sport = int(r, 1024, 65535);
  const payload = r() < 0.5 ? [] : bytes(r, int(r, 1, 64));
  const exts = v6 && r() < 0.3 ? [pick(r, [{ type: 0, bytes: [0, 1, 4, 0, 0, 0] }, { type: 60, bytes: [0, 1, 4, 0, 0, 0] }, fragmentHeader(0, false, int(r, 1, 1e6))])] : undefined;
  const first = segment({ v6, src, dst, sport, dport, udp, payload, exts, flags: TCP_SYN });
  recent.push(first);
  const out = send({ program: 'ingress', frame: first, device: 'eth0' });
  const o = parse(out.data);
  if (o && (!sameAddress(o.dst, dst) || o.dport !== dport)) {
    // Translated: the backend answers the translated packet (remote: through eth0; a local pod: out of eth0's egress).
    const reply = segment({ v6: o.v6, src: o.dst, dst: o.src, sport: o.dport, dport: o.sport, udp: o.proto === 17, flags: 0x12, payload: bytes(r, int(r, 0, 16)), srcMac: MAC.node2 });
    recent.push(reply);
    const local = sameAddress(o.dst, LOCAL) || sameAddress(o.dst, LOCAL6);
    send(local ? { program: 'egress', frame: reply, device: 'eth0' } : { program: 'ingress', frame: reply, device: 'eth0' });
    if (!o.v6 && r() < 0.3) {
      // The backend's ICMP error about the translated packet.
      const quote = [...out.data.subarray(14, Math.min(out.data.length, 14 + ((out.data[14]! & 15) * 4) + 8))];
      const err = frame4({ dstMac: MAC.eth0, srcMac: MAC.node2, src: o.dst, dst: o.src, proto: 1, l4: icmpError(3, pick(r, [3, 4, 1]), [0, 0, 5, 0xdc], quote) });
      recent.push(err);
      send({ program: local ? 'egress' : 'ingress', frame: err, device: 'eth0' });
    }
  }
  const next = segment({ v6, src, dst, sport, dport, udp, payload: bytes(r, int(r, 0, 32)), exts, flags: TCP_ACK });
  send({ program: 'ingress', frame: next, device: 'eth0' });
  if (!udp && r() < 0.5) send({ program: 'ingress', frame: segment({ v6, src, dst, sport, dport, udp, flags: TCP_FIN | TCP_ACK }), device: 'eth0' });
}

/** IPv4 fragments of a datagram to a frontend: the first (with the ports), then a later one. */
function fragments(r: Random, send: Sender, recent: Uint8Array[]): void {
  const [dst, dport] = pick(r, [[NODE, 30001], ['10.3.0.1', 80]] as const);
  const sport = int(r, 1024, 65535);
  // Identifications from a small set: the fragment maps (8,192 LRU entries) never fill.
  const id = int(r, 1, 2000);
  const whole = udpDatagram({ src: CLIENT, dst, sport, dport, payload: bytes(r, 40) });
  const a = frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst, proto: 17, id, fragOff: 0x2000, l4: whole.slice(0, 24) });
  const b = frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst, proto: 17, id, fragOff: 3, l4: whole.slice(24) });
  recent.push(a, b);
  if (r() < 0.8) send({ program: 'ingress', frame: a, device: 'eth0' });
  send({ program: 'ingress', frame: b, device: 'eth0' });
  if (r() < 0.3) {
    const f6a = ethernet(MAC.eth0, MAC.gateway, 0x86dd, packet6({ src: CLIENT6, dst: NODE6, exts: [fragmentHeader(0, true, id)], proto: 17, l4: udpDatagram({ src: CLIENT6, dst: NODE6, sport, dport: 30001, payload: bytes(r, 40) }).slice(0, 24) }));
    const f6b = ethernet(MAC.eth0, MAC.gateway, 0x86dd, packet6({ src: CLIENT6, dst: NODE6, exts: [fragmentHeader(3, false, id)], proto: 17, l4: bytes(r, 24) }));
    recent.push(f6a, f6b);
    send({ program: 'ingress', frame: f6a, device: 'eth0' });
    send({ program: 'ingress', frame: f6b, device: 'eth0' });
  }
}

/** A recent frame with bytes flipped, cut short or extended. */
function mutated(r: Random, recent: Uint8Array[]): Uint8Array {
  const base = recent.length ? pick(r, recent) : new Uint8Array(bytes(r, 60));
  // BPF_PROG_TEST_RUN refuses frames shorter than an Ethernet header; so cuts stop there.
  let f = base.slice();
  const what = r();
  if (what < 0.6) {
    for (let n = int(r, 1, 3); n > 0; n--) f[int(r, 0, f.length - 1)] = int(r, 0, 255);
  } else if (what < 0.85) {
    f = f.slice(0, int(r, Math.min(14, f.length), f.length));
  } else {
    f = new Uint8Array([...f, ...bytes(r, int(r, 1, 40))]);
  }
  return f;
}

/** Random frames: noise, or an Ethernet + IPv4/IPv6 header with noise after it. */
function random(r: Random): Uint8Array {
  const what = r();
  if (what < 0.2) return new Uint8Array(bytes(r, int(r, 14, 120)));
  if (what < 0.6) {
    const l4 = bytes(r, int(r, 0, 60));
    return frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: pick(r, [CLIENT, REMOTE, LOCAL, `${int(r, 1, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 0, 255)}`]), dst: pick(r, [NODE, '10.3.0.1', '10.3.0.2', '203.0.113.10', '10.5.0.1', LOCAL]), proto: pick(r, [6, 17, 1, 47, 132, int(r, 0, 255)]), ttl: pick(r, [64, 1, 0, 2]), fragOff: r() < 0.8 ? 0 : int(r, 0, 0xffff), l4 });
  }
  return ethernet(MAC.eth0, MAC.gateway, 0x86dd, [0x60, 0, 0, 0, 0, int(r, 0, 80), pick(r, [6, 17, 58, 0, 43, 44, 60, int(r, 0, 255)]), 64, ...ip6(pick(r, [CLIENT6, REMOTE6, LOCAL6, MAPPED_CLIENT])), ...ip6(pick(r, [NODE6, LB6, LOCAL6, MAPPED_NODE])), ...bytes(r, int(r, 0, 80))]);
}

/**
 * What a round of the corpus is, as shares: a flow, fragments, a mutated frame, else a random
 * frame; and the share of mutated and random frames sent out through egress.
 */
export interface CorpusMix {
  flows: number;
  fragments: number;
  mutated: number;
  egress: number;
}

export const EVEN_MIX: CorpusMix = { flows: 0.35, fragments: 0.07, mutated: 0.3, egress: 0.5 };
/**
 * For when the ingress program has run its share and egress has not: a flow gives ingress
 * about four packets and egress about one, so egress catches up on frames that go to it alone.
 * Flows go on (fewer), so the replies they make still find conntrack state.
 */
export const EGRESS_MIX: CorpusMix = { flows: 0.1, fragments: 0, mutated: 0.5, egress: 1 };

/** Drives `rounds` rounds of the corpus through `send`. */
export function runCorpus(r: Random, send: Sender, rounds: number, mix: CorpusMix = EVEN_MIX): void {
  const recent: Uint8Array[] = [];
  for (let i = 0; i < rounds; i++) {
    if (recent.length > 200) recent.splice(0, 100);
    const what = r();
    const program = () => (r() < mix.egress ? 'egress' : 'ingress');
    if (what < mix.flows) flow(r, send, recent);
    else if (what < mix.flows + mix.fragments) fragments(r, send, recent);
    else if (what < mix.flows + mix.fragments + mix.mutated) send({ program: program(), frame: mutated(r, recent), device: r() < 0.8 ? 'eth0' : 'lxc0' });
    else send({ program: program(), frame: random(r), device: r() < 0.9 ? 'eth0' : 'lxc0' });
  }
}
