// Forward translation at connect() and sendmsg(): a service address becomes one backend's,
// before any packet exists (the talk: no packet NAT, no extra hop). TCP picks at random per
// connect; UDP by the socket cookie, so one socket keeps talking to one backend. ClientIP
// affinity pins a network namespace to its backend. What recvmsg and getpeername translate back
// with is kept where it costs least: a connected socket has one peer, kept in the socket's own
// storage (no shared map, no lock, gone with the socket); an unconnected UDP socket may send to
// many services at once, so its entries stay in the LRU map by cookie and backend. One source
// for both families (../lb/family.ts).

import { LbFamily, LbTypes } from '../lb/family.ts';
import { affinityBackend, backend, backendIdAt, lookupService, pickSlot, rememberAffinity, statsOf, SVC_NOT_IN_CLUSTER, SVC_SOURCE_RANGES, wantsAffinity } from '../lb/index.ts';
import { lb_service } from '../lb/structs.ts';
import { lbProtocol } from './address.ts';

/**
 * Frontends the socket LB leaves to the packet path: ExternalIPs (no in-cluster access unless
 * the cluster allows it), and LoadBalancer IPs with source ranges, whose check needs the
 * client's source address, which a socket has not chosen yet at connect().
 */
const LEFT_TO_PACKETS = SVC_NOT_IN_CLUSTER | SVC_SOURCE_RANGES;

/** What forward translation did. */
export const NOT_A_SERVICE = 0;
export const TRANSLATED = 1;
export const NO_BACKEND = 2;

/** Random per TCP connection, the socket's own cookie for UDP (stable per socket). */
function choice(ctx: SockAddr, protocol: u8): u32 {
  if (protocol !== 17) return bpf_get_prandom_u32();
  const cookie = bpf_get_socket_cookie(ctx);
  return u32(cookie ^ (cookie >> 32));
}

/** connect(): the socket's one peer, in its own storage. */
function rememberPeer<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, front: F['sockAddr'], be: F['backend'], revNatId: u16): void {
  const peer = fam.sockPeer.get(ctx, BPF_SK_STORAGE_GET_F_CREATE);
  if (!peer) return;
  peer.address = front.address;
  peer.port = front.port;
  peer.rev_nat_id = revNatId;
  peer.backend = be.address;
  peer.backend_port = be.port;
}

/**
 * connect() to no service: a peer the socket had from an earlier connect (UDP reconnects; TCP
 * after a failed attempt) no longer holds. Sockets without storage cost one pointer test.
 */
function forgetPeer<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>): void {
  const peer = fam.sockPeer.get(ctx, 0);
  if (peer) peer.rev_nat_id = 0;
}

/**
 * sendmsg() with an address: one entry per socket and backend in the LRU map. A socket sending
 * to the same service again finds its entry and leaves it be (the lookup keeps it recent): only
 * a new or changed entry takes the update's bucket lock.
 */
function rememberSent<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, front: F['sockAddr'], be: F['backend'], revNatId: u16): void {
  const key: F['sockKey'] = { ...zeroed<F['sockKey']>(), cookie: bpf_get_socket_cookie(ctx), address: be.address, port: be.port };
  const known = fam.sockReverseNat.lookup(key);
  if (known && known.rev_nat_id === revNatId && known.port === front.port && fam.sameAddress(known.address, front.address)) return;
  fam.sockReverseNat.update(key, { ...zeroed<F['sockNat']>(), address: front.address, port: front.port, rev_nat_id: revNatId });
}

/**
 * ClientIP affinity: the backend the client's network namespace used last, while within the
 * entry's timeout, else a new pick; either way remembered from now on. 0: no backend at all.
 */
function stickyBackend<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, key: F['svcKey'], svc: lb_service, hash: u32): u32 {
  const now = bpf_ktime_get_ns();
  const client = fam.netnsAffinityKey(bpf_get_netns_cookie(ctx), svc.service_id);
  let id = affinityBackend(fam, client, svc, now);
  if (id === 0) id = backendIdAt(fam, key, pickSlot(svc, hash));
  if (id !== 0) rememberAffinity(fam, client, id, now);
  return id;
}

/**
 * Translates `dst` in place when it is a service frontend (IPv4: v4 and v4-in-v6 destinations;
 * IPv6: not v4-mapped); `connected`: connect() rather than sendmsg(). A subprogram: connect and
 * sendmsg share one copy per family.
 * @noinline
 */
export function forward<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, dst: F['sockAddr'], connected: bool): u32 {
  const protocol = lbProtocol(ctx.protocol);
  if (protocol === 0) return NOT_A_SERVICE;
  const key: F['svcKey'] = { ...zeroed<F['svcKey']>(), address: dst.address, port: dst.port, protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService(fam, key, true);
  if (!svc || (svc.flags & LEFT_TO_PACKETS) !== 0) {
    if (connected) forgetPeer(ctx, fam);
    return NOT_A_SERVICE;
  }
  const hash = choice(ctx, protocol);
  const id = wantsAffinity(svc) ? stickyBackend(ctx, fam, key, svc, hash) : backendIdAt(fam, key, pickSlot(svc, hash));
  const be = id !== 0 ? backend(fam, id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) st.no_backend += 1;
    return NO_BACKEND;
  }
  if (st) st.translations += 1;
  if (connected) rememberPeer(ctx, fam, dst, be, svc.rev_nat_id);
  else rememberSent(ctx, fam, dst, be, svc.rev_nat_id);
  dst.address = be.address;
  dst.port = be.port;
  return TRANSLATED;
}
