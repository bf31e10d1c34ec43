// IPv6 connection tracking for the north-south path, in ct6: the same entries and lessons as
// conntrack4.ts (service and reply entries with the whole translation, lookup only for known
// flows, jiffies lifetimes written back rarely), with 128-bit addresses.

import { IPPROTO_TCP, TCP_FLAG_ACK, TCP_FLAG_FIN, TCP_FLAG_RST, TCP_FLAG_SYN } from '../headers.ts';
import { ct6, ct6_key, ct6_value } from '../lb/index.ts';
import { CT_CLOSING, LIFETIME_REFRESH, LIFETIME_TCP, LIFETIME_TCP_CLOSING, LIFETIME_TCP_SYN, LIFETIME_UDP } from './constants.ts';
import { Flow6 } from './flow.ts';

/** The key of `f`'s own direction (CT_SERVICE or CT_REPLY). */
export function ctKey6(f: Flow6, dir: u8): ct6_key {
  return {
    saddr: [f.saddr[0], f.saddr[1], f.saddr[2], f.saddr[3]],
    daddr: [f.daddr[0], f.daddr[1], f.daddr[2], f.daddr[3]],
    sport: f.sport,
    dport: f.dport,
    protocol: f.protocol,
    flags: dir,
    pad: 0,
  };
}

/** @inline */
export function lifetimeOf6(f: Flow6): u64 {
  if (f.protocol !== IPPROTO_TCP) return LIFETIME_UDP;
  if ((f.tcpFlags & (TCP_FLAG_FIN | TCP_FLAG_RST)) !== 0) return LIFETIME_TCP_CLOSING;
  if ((f.tcpFlags & TCP_FLAG_ACK) === 0) return LIFETIME_TCP_SYN;
  return LIFETIME_TCP;
}

export function isSyn6(f: Flow6): bool {
  return f.protocol === IPPROTO_TCP && (f.tcpFlags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) === TCP_FLAG_SYN;
}

/** The entry of a live flow, or null (absent, expired, or a SYN on a closing entry). */
export function ctLive6(key: ct6_key, f: Flow6, now: u64): ct6_value | null {
  const e = ct6.lookup(key);
  if (!e) return null;
  if (e.lifetime < now) return null;
  if ((e.flags & CT_CLOSING) !== 0 && isSyn6(f)) return null;
  return e;
}

/**
 * FIN or RST mark the entry closing; otherwise its lifetime moves on, written rarely, and the
 * cached next hop is dropped with that write (route-cache.ts).
 * @inline
 */
export function ctTouch6(e: ct6_value, f: Flow6, now: u64): void {
  if (f.protocol === IPPROTO_TCP && (f.tcpFlags & (TCP_FLAG_FIN | TCP_FLAG_RST)) !== 0) {
    if ((e.flags & CT_CLOSING) === 0) {
      e.flags = e.flags | CT_CLOSING;
      e.lifetime = now + LIFETIME_TCP_CLOSING;
    }
    return;
  }
  if ((e.flags & CT_CLOSING) !== 0) return;
  const until = now + lifetimeOf6(f);
  if (until > e.lifetime && until - e.lifetime > LIFETIME_REFRESH) {
    e.lifetime = until;
    e.ifindex = 0;
  }
}

export function ctCreate6(key: ct6_key, value: ct6_value): i64 {
  return ct6.update(key, value, BPF_ANY);
}
