// Address and port translation with every checksum kept right, one source for both families:
// the TCP/UDP checksum, which covers the ports and, through the pseudo header, both addresses,
// and IPv4's header checksum (IPv6 has none). A later fragment has no L4 header: only its
// addresses change (the first fragment's L4 checksum already accounts for them). The changes are
// summed once as RFC 1624 differences; for the TCP/UDP checksum, XDP adds them itself, and tc
// hands them to the kernel's helpers, which also know about skb->csum and partial checksums.
// What differs per family is a leaf: the address words summed (nat4.ts, nat6.ts), the header
// checksum, and how an IPv6 later fragment keeps skb->csum right.

import { ETH_HLEN, IPPROTO_TCP, TCP_CSUM_OFF, TcpHdr, UDP_CSUM_OFF, UdpHdr } from '../headers.ts';
import { Family, V4, V6 } from './family.ts';
import { FRAG_LATER } from './constants.ts';
import { addToCheck, forHelpers } from './csum.ts';

/**
 * Rewrites the packet `f` describes as `to` says, fixing the checksums; `forward`: a packet the
 * node routes on, whose TTL or hop limit goes down by one here too. 0, or -1 if cut short or
 * the TTL is spent.
 */
export function nat<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], to: F['nat'], forward: bool): i32 {
  // IPv6 has no header checksum whose change balances the addresses' in a CHECKSUM_COMPLETE
  // skb's sum: on tc a later fragment's addresses go through bpf_skb_store_bytes.
  if (isV6(fam) && !isXdp(ctx) && f.fragment === FRAG_LATER) {
    if (storeAddresses(ctx, fam, f, to) !== 0) return -1;
    return forward ? fam.decrementHops(ctx) : 0;
  }
  const ip = ctx.header<F['ip']>(ETH_HLEN);
  if (!ip) return -1;
  const oldSaddr = f.saddr;
  const oldDaddr = f.daddr;
  const saddr = to.saddr;
  const daddr = to.daddr;
  ip.saddr = saddr;
  ip.daddr = daddr;
  const sport = to.sport;
  const dport = to.dport;
  // The changes as ones'-complement differences (RFC 1624), summed once: the addresses' goes
  // into the IP header's checksum and, through the pseudo header, into the TCP/UDP one.
  const addrs = fam.addressesDiff(oldSaddr, saddr, oldDaddr, daddr);
  if (f.fragment !== FRAG_LATER) {
    const l4 = fam.l4Offset(f);
    if (f.protocol === IPPROTO_TCP) {
      const tcp = ctx.header<TcpHdr>(l4);
      if (!tcp) return -1;
      tcp.source = sport;
      tcp.dest = dport;
      if (isXdp(ctx)) tcp.check = addToCheck(tcp.check, addrs + portsDiff(fam, f, sport, dport));
      else checksumsTc(ctx, fam, l4 + TCP_CSUM_OFF, f, sport, dport, addrs, false);
    } else {
      const udp = ctx.header<UdpHdr>(l4);
      if (!udp) return -1;
      udp.source = sport;
      udp.dest = dport;
      if (isXdp(ctx)) {
        // IPv4: 0, the sender computed no checksum, and none is made up. IPv6: mandatory. A
        // computed 0 is sent as 0xffff.
        if (isV6(fam) || udp.check !== be16(0)) {
          const check = addToCheck(udp.check, addrs + portsDiff(fam, f, sport, dport));
          udp.check = check === be16(0) ? htons(0xffff) : check;
        }
      } else checksumsTc(ctx, fam, l4 + UDP_CSUM_OFF, f, sport, dport, addrs, true);
    }
  }
  if (fam.headerCheck(ctx, addrs, forward) !== 0) return -1;
  f.saddr = saddr;
  f.daddr = daddr;
  f.sport = sport;
  f.dport = dport;
  return 0;
}

/**
 * tc: the kernel's helpers, which also keep a CHECKSUM_PARTIAL skb right (its checksum field then
 * holds only the pseudo header's sum, and port changes must leave it alone) and skb->csum of a
 * CHECKSUM_COMPLETE one. Each change is summed here (RFC 1624) and handed over in the helpers'
 * size-0 form: one call for the ports and one for the addresses in the pseudo header, instead of
 * one call per changed field.
 * @inline
 */
function checksumsTc<F extends V4 | V6>(ctx: SkBuff, fam: Family<F>, off: u16, f: F['flow'], sport: be16, dport: be16, addrs: u64, udp: bool): void {
  const mangled: u64 = udp ? BPF_F_MARK_MANGLED_0 : 0;
  bpf_l4_csum_replace(ctx, u32(off), 0, forHelpers(portsDiff(fam, f, sport, dport)), mangled);
  bpf_l4_csum_replace(ctx, u32(off), 0, forHelpers(addrs), BPF_F_PSEUDO_HDR | mangled);
}

/**
 * The ports' change as a ones'-complement difference (host order, unfolded: csum.ts).
 * @inline
 */
function portsDiff<F extends V4 | V6>(fam: Family<F>, f: F['flow'], sport: be16, dport: be16): u64 {
  return u64(~ntohs(f.sport)) + u64(ntohs(sport)) + u64(~ntohs(f.dport)) + u64(ntohs(dport));
}

/**
 * The addresses alone, through bpf_skb_store_bytes with BPF_F_RECOMPUTE_CSUM, so that a
 * CHECKSUM_COMPLETE skb's sum follows the new bytes (an IPv6 later fragment on tc).
 */
function storeAddresses<F extends V4 | V6>(ctx: SkBuff, fam: Family<F>, f: F['flow'], to: F['nat']): i32 {
  const after: F['addrPair'] = { ...zeroed<F['addrPair']>(), saddr: to.saddr, daddr: to.daddr };
  if (bpf_skb_store_bytes(ctx, ETH_HLEN + fam.saddrOffset, after, sizeof<F['addrPair']>(), BPF_F_RECOMPUTE_CSUM) !== 0) return -1;
  f.saddr = to.saddr;
  f.daddr = to.daddr;
  f.sport = to.sport;
  f.dport = to.dport;
  return 0;
}
