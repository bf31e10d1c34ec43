// IPv6 address and port translation with the TCP/UDP checksum kept right (IPv6 has no header
// checksum; the pseudo header brings both addresses into the L4 one). XDP folds the eight
// address words and two ports into the checksum with one branch-free chain; tc sums the address
// change with bpf_csum_diff and hands it to bpf_l4_csum_replace once (which also keeps
// skb->csum and partial checksums right), the ports with one call each.

import { ETH_HLEN, IPPROTO_TCP, Ipv6Hdr, TCP_CSUM_OFF, TcpHdr, UDP_CSUM_OFF, UdpHdr } from '../headers.ts';
import { FRAG_LATER } from './constants.ts';
import { Flow6, l4Offset6 } from './flow.ts';

/** The new source and destination, all four given. */
export interface Nat6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
}

/** Both addresses, old or new, as bpf_csum_diff reads them. */
interface AddrPair6 {
  w: FixedArray<be32, 8>;
}

export function nat6(ctx: XdpMd | SkBuff, f: Flow6, to: Nat6): i32 {
  // A later fragment has no L4 header: the first fragment's checksum covered the whole datagram.
  if (f.fragment === FRAG_LATER) return natAddresses6(ctx, f, to);
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  for (let i = 0; i < 4; i++) {
    ip.saddr[i] = to.saddr[i];
    ip.daddr[i] = to.daddr[i];
  }
  const l4 = l4Offset6(f);
  if (f.protocol === IPPROTO_TCP) {
    const tcp = ctx.header<TcpHdr>(l4);
    if (!tcp) return -1;
    tcp.source = to.sport;
    tcp.dest = to.dport;
    if (isXdp(ctx)) tcp.check = foldAll(tcp.check, f, to);
    else checksumsTc(ctx, l4 + TCP_CSUM_OFF, f, to, false);
  } else {
    const udp = ctx.header<UdpHdr>(l4);
    if (!udp) return -1;
    udp.source = to.sport;
    udp.dest = to.dport;
    // A UDP checksum is mandatory over IPv6: never 0 on the wire, 0xffff when it computes to 0.
    if (isXdp(ctx)) {
      const check = foldAll(udp.check, f, to);
      udp.check = check === be16(0) ? htons(0xffff) : check;
    } else checksumsTc(ctx, l4 + UDP_CSUM_OFF, f, to, true);
  }
  return setFlow6(f, to);
}

/**
 * The addresses alone (a later fragment). On tc through bpf_skb_store_bytes with
 * BPF_F_RECOMPUTE_CSUM: no L4 checksum change balances the header's, and a CHECKSUM_COMPLETE
 * skb's sum must follow the new bytes.
 */
function natAddresses6(ctx: XdpMd | SkBuff, f: Flow6, to: Nat6): i32 {
  if (isXdp(ctx)) {
    const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
    if (!ip) return -1;
    for (let i = 0; i < 4; i++) {
      ip.saddr[i] = to.saddr[i];
      ip.daddr[i] = to.daddr[i];
    }
  } else {
    const after = zeroed<AddrPair6>();
    for (let i = 0; i < 4; i++) {
      after.w[i] = to.saddr[i];
      after.w[4 + i] = to.daddr[i];
    }
    if (bpf_skb_store_bytes(ctx, ETH_HLEN + 8, after, 32, BPF_F_RECOMPUTE_CSUM) !== 0) return -1;
  }
  return setFlow6(f, to);
}

/** @inline */
function setFlow6(f: Flow6, to: Nat6): i32 {
  for (let i = 0; i < 4; i++) {
    f.saddr[i] = to.saddr[i];
    f.daddr[i] = to.daddr[i];
  }
  f.sport = to.sport;
  f.dport = to.dport;
  return 0;
}

/** RFC 1624 updates of `check` for every address word and both ports (XDP). */
function foldAll(check: be16, f: Flow6, to: Nat6): be16 {
  let c = csumReplace(csumReplace(check, f.sport, to.sport), f.dport, to.dport);
  for (let i = 0; i < 4; i++) c = csumReplace(csumReplace(c, f.saddr[i], to.saddr[i]), f.daddr[i], to.daddr[i]);
  return c;
}

/**
 * tc: the address change summed by bpf_csum_diff, folded in by one helper call; then the ports.
 * @inline
 */
function checksumsTc(ctx: SkBuff, off: u16, f: Flow6, to: Nat6, udp: bool): void {
  const before = zeroed<AddrPair6>();
  const after = zeroed<AddrPair6>();
  for (let i = 0; i < 4; i++) {
    before.w[i] = f.saddr[i];
    before.w[4 + i] = f.daddr[i];
    after.w[i] = to.saddr[i];
    after.w[4 + i] = to.daddr[i];
  }
  const diff = u64(bpf_csum_diff(before, 32, after, 32, 0));
  if (udp) {
    bpf_l4_csum_replace(ctx, u32(off), 0, diff, BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0);
    if (to.sport !== f.sport) ctx.l4CsumReplace(off, f.sport, to.sport, BPF_F_MARK_MANGLED_0 | 2);
    if (to.dport !== f.dport) ctx.l4CsumReplace(off, f.dport, to.dport, BPF_F_MARK_MANGLED_0 | 2);
  } else {
    bpf_l4_csum_replace(ctx, u32(off), 0, diff, BPF_F_PSEUDO_HDR);
    if (to.sport !== f.sport) ctx.l4CsumReplace(off, f.sport, to.sport, 2);
    if (to.dport !== f.dport) ctx.l4CsumReplace(off, f.dport, to.dport, 2);
  }
}

/** A forwarded packet's hop limit goes down by one; -1 when it is spent. */
export function decrementHopLimit6(ctx: XdpMd | SkBuff): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const hops = ip.hop_limit;
  if (hops <= 1) return -1;
  ip.hop_limit = hops - 1;
  return 0;
}
