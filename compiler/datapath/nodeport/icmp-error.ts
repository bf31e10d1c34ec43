// ICMP errors about translated flows, one source for both families (ICMP and ICMPv6: destination
// unreachable, fragmentation needed / packet too big, time exceeded, parameter problem): the error
// quotes the offending packet as it was on the wire, translated, so it means nothing to the host
// that sent the packet before translation. It is translated back by the entry of the quoted
// packet's flow, the quote (addresses, ports, its checksums) and the outer header (and the ICMP
// checksum over all of it), so that path MTU discovery and connection errors work through the
// load balancer.
//
//   ingress, quote = a reply as it left (frontend → client): the service entry of its reverse
//            → to the backend (a client-side router's "fragmentation needed" for the server)
//   ingress, quote = a SNAT packet (node:port → backend): the reply entry of its reverse
//            → to the client (the backend's port unreachable, a router's time exceeded)
//   egress,  quote = a packet delivered to a local or DSR backend: the reply entry (EGRESS)
//            → leaves towards the client from the frontend
//
// The outer source is the frontend's side only when the error comes from the quoted packet's
// destination itself (the backend, the client); a router's address on the way is kept. Reading
// and rewriting the message are each family's own (icmp-error4.ts, icmp-error6.ts): IPv4 quotes
// carry a header checksum, ICMPv6's checksum covers a pseudo header.

import { Family, V4, V6 } from './family.ts';
import { CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT } from './constants.ts';
import { canSend, drop, emit, pass, route } from './context.ts';
import { ctNow } from './clock.ts';

/**
 * An ICMP error at ingress (ingress parsed it as PARSE_ICMP): translated back and sent on like
 * the flow's packets, or passed to the stack untouched when it quotes no translated flow.
 * @noinline
 */
export function icmpIngress<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>): i32 {
  const f = zeroed<F['flow']>();
  if (fam.readIcmpOuter(ctx, f) !== 0) return pass(ctx);
  const q = zeroed<F['quote']>();
  if (fam.readQuote(ctx, f, q) !== 0) return pass(ctx);
  const now = ctNow();
  const key: F['ctKey'] = { ...zeroed<F['ctKey']>(), saddr: q.daddr, daddr: q.saddr, sport: q.dport, dport: q.sport, protocol: q.protocol, flags: CT_SERVICE, pad: 0 };
  let e = liveEntry(fam, key, now);
  if (!e) {
    key.flags = CT_REPLY;
    e = liveEntry(fam, key, now);
    // Replies translated here are SNAT ones; local and DSR backends' go out through egress.
    if (!e || (e.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return pass(ctx);
  }
  const to: F['nat'] = { ...zeroed<F['nat']>(), saddr: e.dst_addr, daddr: e.src_addr, sport: e.dst_port, dport: e.src_port };
  const outer: F['outer'] = { ...zeroed<F['outer']>(), saddr: fam.outerSource(f, q, e), daddr: e.dst_addr };
  const local = (e.flags & CT_LOCAL) !== 0;
  const fib = zeroed<BpfFibLookup>();
  const rc = route(ctx, fam, fib, outer.saddr, outer.daddr, local);
  if (!canSend(ctx, rc)) return pass(ctx);
  if (fam.rewriteIcmp(ctx, f, q, to, outer) !== 0) return drop(ctx);
  if (!local && fam.decrementHops(ctx) !== 0) return drop(ctx);
  return emit(ctx, fam, fib, rc, local);
}

/**
 * An ICMP error leaving the node (tc egress): from a local or DSR backend about a packet it was
 * delivered, given the frontend in place of the backend.
 * @noinline
 */
export function icmpEgress<F extends V4 | V6>(ctx: SkBuff, fam: Family<F>, f: F['flow']): i32 {
  const q = zeroed<F['quote']>();
  if (fam.readQuote(ctx, f, q) !== 0) return TC_ACT_OK;
  const now = ctNow();
  const e = liveEntry(fam, { ...zeroed<F['ctKey']>(), saddr: q.daddr, daddr: q.saddr, sport: q.dport, dport: q.sport, protocol: q.protocol, flags: CT_REPLY, pad: 0 }, now);
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  const to: F['nat'] = { ...zeroed<F['nat']>(), saddr: e.dst_addr, daddr: e.src_addr, sport: e.dst_port, dport: e.src_port };
  const outer: F['outer'] = { ...zeroed<F['outer']>(), saddr: fam.outerSource(f, q, e), daddr: e.dst_addr };
  fam.rewriteIcmp(ctx, f, q, to, outer);
  return TC_ACT_OK;
}

/** @inline */
function liveEntry<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], now: u64): F['ctValue'] | null {
  const e = fam.ct.lookup(key);
  if (!e || e.expires < now) return null;
  return e;
}
