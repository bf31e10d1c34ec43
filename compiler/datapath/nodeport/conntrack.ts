// Connection tracking for the north-south path, one source for both families (in ct4 and ct6,
// ../lb/maps.ts). Two entries per translated flow at most: the service entry (client → frontend,
// as it arrives: which backend, how to translate) and the reply entry (the reply's tuple: how to
// translate it back). The talk's lessons: a packet of a known flow only looks its entry up (no
// update, so no bucket lock in the fast path), and the lifetime is written back rarely; the clock
// is clock.ts's, jiffies (the cheap one) in nanoseconds.

import { IPPROTO_TCP, TCP_FLAG_ACK, TCP_FLAG_FIN, TCP_FLAG_RST, TCP_FLAG_SYN } from '../headers.ts';
import { Family, V4, V6 } from './family.ts';
import { CT_CLOSING, LIFETIME_REFRESH, LIFETIME_TCP, LIFETIME_TCP_CLOSING, LIFETIME_TCP_SYN, LIFETIME_UDP } from './constants.ts';

/**
 * The key of `f`'s own direction: CT_SERVICE for what arrives at a frontend, CT_REPLY for replies.
 * (`...zeroed` lets tsc accept a literal of the family's key type; every field is written.)
 */
export function ctKey<F extends V4 | V6>(fam: Family<F>, f: F['flow'], dir: u8): F['ctKey'] {
  return { ...zeroed<F['ctKey']>(), saddr: f.saddr, daddr: f.daddr, sport: f.sport, dport: f.dport, protocol: f.protocol, flags: dir, pad: 0 };
}

/**
 * How long an entry lives after a packet with these flags (TCP) or of this protocol.
 * @inline
 */
export function lifetimeOf<F extends V4 | V6>(fam: Family<F>, f: F['flow']): u64 {
  if (f.protocol !== IPPROTO_TCP) return LIFETIME_UDP;
  if ((f.tcpFlags & (TCP_FLAG_FIN | TCP_FLAG_RST)) !== 0) return LIFETIME_TCP_CLOSING;
  if ((f.tcpFlags & TCP_FLAG_ACK) === 0) return LIFETIME_TCP_SYN;
  return LIFETIME_TCP;
}

/** A TCP SYN without ACK: a client opening a connection (a new flow even on a known tuple). */
export function isSyn<F extends V4 | V6>(fam: Family<F>, f: F['flow']): bool {
  return f.protocol === IPPROTO_TCP && (f.tcpFlags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) === TCP_FLAG_SYN;
}

/**
 * The entry of a live flow, or null: absent, expired, or closed and opened again (a SYN on a
 * closing entry: the client reuses the tuple, and the new connection chooses afresh).
 */
export function ctLive<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], f: F['flow'], now: u64): F['ctValue'] | null {
  const e = fam.ct.lookup(key);
  if (!e) return null;
  if (e.expires < now) return null;
  if ((e.flags & CT_CLOSING) !== 0 && isSyn(fam, f)) return null;
  return e;
}

/**
 * Keeps a live entry alive: FIN or RST mark it closing (short lifetime); otherwise the lifetime
 * moves on, written only when it moved by more than LIFETIME_REFRESH (a write dirties the cache
 * line every CPU reading the entry shares). That write also drops the cached next hop
 * (route-cache.ts): the FIB is asked again, at most once per LIFETIME_REFRESH.
 * @inline
 */
export function ctTouch<F extends V4 | V6>(fam: Family<F>, e: F['ctValue'], f: F['flow'], now: u64): void {
  if (f.protocol === IPPROTO_TCP && (f.tcpFlags & (TCP_FLAG_FIN | TCP_FLAG_RST)) !== 0) {
    if ((e.flags & CT_CLOSING) === 0) {
      e.flags = e.flags | CT_CLOSING;
      e.expires = now + LIFETIME_TCP_CLOSING;
    }
    return;
  }
  if ((e.flags & CT_CLOSING) !== 0) return;
  const until = now + lifetimeOf(fam, f);
  if (until > e.expires && until - e.expires > LIFETIME_REFRESH) {
    e.expires = until;
    e.ifindex = 0;
  }
}

/** A new entry; 0 or a negative errno (the map refuses nothing but memory: it is an LRU). */
export function ctCreate<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], value: F['ctValue']): i64 {
  return fam.ct.update(key, value, BPF_ANY);
}
