// Parsing Ethernet, IPv4 (with options, fragments), IPv6, TCP and UDP in BPF-TS, on good,
// truncated and malformed packets, in XDP and tc through one context-generic function; and the
// same parser with its L4 step as a BPF-to-BPF call instead of inlined.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';
import { ethernet, ipv4Header, ipv4Tcp, ipv4Udp, ipv6Udp, tcp } from './packets.ts';

const parser = (l4Tag: string) => `
import { EthHdr, Ipv4Hdr, Ipv6Hdr, TcpHdr, UdpHdr, ETH_P_IP, ETH_P_IPV6, ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, IP_MF, IP_OFFSET } from '../headers.ts';

const NOT_IP = 1;
const BAD_L3 = 2;
const TRUNC_L3 = 3;
const FRAG = 4;
const TRUNC_L4 = 5;
const TCP = 6;
const UDP = 7;
const OTHER_L4 = 8;

/** The class in the high half, the destination port (host order) in the low half. */
${l4Tag}
function l4(ctx: XdpMd | SkBuff, proto: u8, off: u16): u32 {
  if (proto === IPPROTO_TCP) {
    const t = ctx.header<TcpHdr>(off);
    if (!t) return TRUNC_L4 << 16;
    return (TCP << 16) | u32(ntohs(t.dest));
  }
  if (proto === IPPROTO_UDP) {
    const u = ctx.header<UdpHdr>(off);
    if (u === null) return TRUNC_L4 << 16;
    return (UDP << 16) | u32(ntohs(u.dest));
  }
  return OTHER_L4 << 16;
}

function classify(ctx: XdpMd | SkBuff): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return TRUNC_L3 << 16;
  if (eth.h_proto === htons(ETH_P_IP)) {
    const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
    if (!ip) return TRUNC_L3 << 16;
    if (ip.version_ihl >> 4 !== 4) return BAD_L3 << 16;
    const ihl = u16(ip.version_ihl & 0x0f) * 4;
    if (ihl < 20) return BAD_L3 << 16;
    if ((ntohs(ip.frag_off) & (IP_MF | IP_OFFSET)) !== 0) return FRAG << 16;
    return l4(ctx, ip.protocol, ETH_HLEN + ihl);
  }
  if (eth.h_proto === htons(ETH_P_IPV6)) {
    const ip6 = ctx.header<Ipv6Hdr>(ETH_HLEN);
    if (!ip6) return TRUNC_L3 << 16;
    if (ntohl(ip6.vtc_flow) >> 28 !== 6) return BAD_L3 << 16;
    return l4(ctx, ip6.nexthdr, ETH_HLEN + 40);
  }
  return NOT_IP << 16;
}

/** @section xdp */
export function classify_xdp(ctx: XdpMd): u32 {
  return classify(ctx);
}

/** @section tc */
export function classify_tc(ctx: SkBuff): i32 {
  return i32(classify(ctx));
}
`;

const u8s = (a: ArrayLike<number>) => new Uint8Array(a);
const tcp4 = ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.2', sport: 1234, dport: 443 });
const udp4 = ipv4Udp({ src: '192.0.2.1', dst: '198.51.100.2', sport: 1234, dport: 53 });
const v6a = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1];
const v6b = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 2];
const udp6 = ipv6Udp({ src: v6a, dst: v6b, sport: 5000, dport: 8080 });
const withOptions = (() => {
  const l4 = tcp({ sport: 1, dport: 8443, src: '192.0.2.1', dst: '198.51.100.2' });
  return u8s(ethernet(0x0800, [...ipv4Header({ src: '192.0.2.1', dst: '198.51.100.2', proto: 6, payloadLen: l4.length, ihl: 7 }), ...l4]));
})();
const patched = (p: Uint8Array, at: number, v: number) => {
  const c = p.slice();
  c[at] = v;
  return c;
};

/** [name, packet, class, port] */
const cases: [string, Uint8Array, number, number][] = [
  ['IPv4 TCP', tcp4, 6, 443],
  ['IPv4 UDP', udp4, 7, 53],
  ['IPv6 UDP', udp6, 7, 8080],
  ['IPv4 with options (IHL 7) TCP', withOptions, 6, 8443],
  ['ARP: not IP', u8s(ethernet(0x0806, Array(28).fill(0))), 1, 0],
  ['IPv4 header cut short', tcp4.subarray(0, 14 + 12), 3, 0],
  ['IPv6 header cut short', udp6.subarray(0, 14 + 39), 3, 0],
  ['TCP header cut short', tcp4.subarray(0, 34 + 19), 5, 0],
  ['UDP header cut short', udp4.subarray(0, 34 + 7), 5, 0],
  ['IPv6 UDP header cut short', udp6.subarray(0, 54 + 7), 5, 0],
  ['IPv4 version 6 in an IPv4 frame', patched(tcp4, 14, 0x65), 2, 0],
  ['IPv4 IHL 3', patched(tcp4, 14, 0x43), 2, 0],
  ['IPv4 IHL 15 beyond the packet', patched(tcp4, 14, 0x4f), 5, 0],
  ['IPv4 fragment (MF)', patched(tcp4, 20, 0x20), 4, 0],
  ['IPv4 later fragment (offset)', patched(tcp4, 21, 0x10), 4, 0],
  ['IPv6 version 4 in an IPv6 frame', patched(udp6, 14, 0x40), 2, 0],
  ['IPv4 ICMP', patched(tcp4, 23, 1), 8, 0],
];

for (const program of ['classify_xdp', 'classify_tc']) {
  for (const [kind, tag] of [['inlined', '/** @inline */'], ['BPF-to-BPF call', '/** @noinline */']] as const) {
    kernelTest(`parse Ethernet/IPv4/IPv6/TCP/UDP, good, truncated and malformed: ${program}, L4 ${kind}`, (t) => {
      const r = compileOk(t, parser(tag));
      const p = load(t, r, program);
      const listing = r.object.programs.find((x) => x.name === program)!.items;
      const calls = listing.filter((i) => i.kind === 'insn' && i.op === 0x85 && i.src === 1).length;
      t.is(calls > 0, kind === 'BPF-to-BPF call', 'the L4 step is a local call exactly when asked');
      for (const [name, packet, cls, port] of cases) {
        // BPF_PROG_TEST_RUN only builds an skb around a whole IP header (EINVAL otherwise).
        if (program === 'classify_tc' && cls === 3) continue;
        const out = p.run(packet);
        t.is(out.retval >>> 16, cls, `${name}: class`);
        t.is(out.retval & 0xffff, port, `${name}: port`);
      }
    });
  }
}
