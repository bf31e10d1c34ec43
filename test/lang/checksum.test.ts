// Checksum updates: a DNAT step rewrites the destination address and port of TCP and UDP over
// IPv4 and fixes the IPv4, TCP and UDP checksums through ctx.l3CsumReplace/l4CsumReplace (the
// kernel's helpers on tc, inline arithmetic on XDP). The test checks the resulting checksums by
// recomputing them from scratch; the new address and port come from compile-time config.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';
import { ip4, ipv4ChecksumOk, ipv4Tcp, ipv4Udp, l4ChecksumOk } from './packets.ts';

const source = `
import { Ipv4Hdr, TcpHdr, UdpHdr, ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, IPV4_CSUM_OFF, TCP_CSUM_OFF, UDP_CSUM_OFF } from '../headers.ts';

interface Cfg { backendAddr: be32; backendPort: be16 }
const cfg = nodeConfig<Cfg>();

function dnat(ctx: XdpMd | SkBuff): i64 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const oldAddr = ip.daddr;
  const proto = ip.protocol;
  const l4off = ETH_HLEN + u16(ip.version_ihl & 0x0f) * 4;
  ip.daddr = cfg.backendAddr;
  if (proto === IPPROTO_TCP) {
    const t = ctx.header<TcpHdr>(l4off);
    if (!t) return -1;
    const oldPort = t.dest;
    t.dest = cfg.backendPort;
    if (ctx.l4CsumReplace(l4off + TCP_CSUM_OFF, oldPort, cfg.backendPort, 2) !== 0) return -2;
    if (ctx.l4CsumReplace(l4off + TCP_CSUM_OFF, oldAddr, cfg.backendAddr, BPF_F_PSEUDO_HDR | 4) !== 0) return -2;
  } else if (proto === IPPROTO_UDP) {
    const u = ctx.header<UdpHdr>(l4off);
    if (!u) return -1;
    const oldPort = u.dest;
    u.dest = cfg.backendPort;
    if (ctx.l4CsumReplace(l4off + UDP_CSUM_OFF, oldPort, cfg.backendPort, BPF_F_MARK_MANGLED_0 | 2) !== 0) return -2;
    if (ctx.l4CsumReplace(l4off + UDP_CSUM_OFF, oldAddr, cfg.backendAddr, BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4) !== 0) return -2;
  }
  return ctx.l3CsumReplace(ETH_HLEN + IPV4_CSUM_OFF, oldAddr, cfg.backendAddr, 4);
}

/** @section xdp */
export function dnat_xdp(ctx: XdpMd): u32 {
  return dnat(ctx) === 0 ? XDP_TX : XDP_DROP;
}

/** @section tc */
export function dnat_tc(ctx: SkBuff): i32 {
  return dnat(ctx) === 0 ? TC_ACT_OK : TC_ACT_SHOT;
}
`;

const config = { backendAddr: 0xcb007107, backendPort: 8080 }; // 203.0.113.7:8080

const frames = {
  tcp: ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 40000, dport: 80, payload: [1, 2, 3, 4, 5] }),
  udp: ipv4Udp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 40000, dport: 53, payload: [9, 8, 7] }),
  'udp without checksum': ipv4Udp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 40000, dport: 53, payload: [9, 8, 7], noChecksum: true }),
};

for (const [program, ok] of [['dnat_xdp', 3], ['dnat_tc', 0]] as const) {
  kernelTest(`${program}: IPv4, TCP and UDP checksums verify after rewriting address and port`, (t) => {
    const p = load(t, compileOk(t, source, { config }), program);
    for (const [name, frame] of Object.entries(frames)) {
      const out = p.run(frame);
      t.is(out.retval, ok, `${name}: the rewrite succeeded`);
      t.deepEqual([...out.data.subarray(30, 34)], ip4('203.0.113.7'), `${name}: address`);
      t.deepEqual([...out.data.subarray(36, 38)], [0x1f, 0x90], `${name}: port`);
      t.true(ipv4ChecksumOk(out.data), `${name}: IPv4 header checksum`);
      t.true(l4ChecksumOk(out.data), `${name}: TCP/UDP checksum over the pseudo header`);
      if (name === 'udp without checksum') t.deepEqual([...out.data.subarray(40, 42)], [0, 0], 'a zero UDP checksum stays zero');
    }
  });
}
