// Forward translation at connect() and sendmsg(): a service address becomes one backend's,
// before any packet exists (the talk: no packet NAT, no extra hop). TCP picks at random per
// connect; UDP by the socket cookie, so one socket keeps talking to one backend. ClientIP
// affinity pins a network namespace to its backend. The socket's cookie and the backend key the
// reverse entry that recvmsg and getpeername translate back with. One source for both families
// (../lb/family.ts).

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
function choice(ctx: SockAddr, protocol: u8, cookie: u64): u32 {
  if (protocol === 17) return u32(cookie ^ (cookie >> 32));
  return bpf_get_prandom_u32();
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
 * IPv6: not v4-mapped). A subprogram: connect and sendmsg share one copy per family.
 * @noinline
 */
export function forward<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, dst: F['sockAddr']): u32 {
  const protocol = lbProtocol(ctx.protocol);
  if (protocol === 0) return NOT_A_SERVICE;
  const key: F['svcKey'] = { ...zeroed<F['svcKey']>(), address: dst.address, port: dst.port, protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService(fam, key, true);
  if (!svc || (svc.flags & LEFT_TO_PACKETS) !== 0) return NOT_A_SERVICE;
  const cookie = bpf_get_socket_cookie(ctx);
  const hash = choice(ctx, protocol, cookie);
  const id = wantsAffinity(svc) ? stickyBackend(ctx, fam, key, svc, hash) : backendIdAt(fam, key, pickSlot(svc, hash));
  const be = id !== 0 ? backend(fam, id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) st.no_backend += 1;
    return NO_BACKEND;
  }
  if (st) st.translations += 1;
  fam.sockReverseNat.update(
    { ...zeroed<F['sockKey']>(), cookie, address: be.address, port: be.port },
    { ...zeroed<F['sockNat']>(), address: dst.address, port: dst.port, rev_nat_id: svc.rev_nat_id },
  );
  dst.address = be.address;
  dst.port = be.port;
  return TRANSLATED;
}
