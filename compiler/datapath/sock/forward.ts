// Forward translation at connect() and sendmsg(): a service address becomes one backend's,
// before any packet exists (the talk: no packet NAT, no extra hop). TCP picks at random per
// connect; UDP by the socket cookie, so one socket keeps talking to one backend. ClientIP
// affinity pins a network namespace to its backend. The socket's cookie and the backend key the
// reverse entry that recvmsg and getpeername translate back with.

import { v4, v6 } from '../family.ts';
import {
  affinityBackend,
  backend,
  backendIdAt,
  lb4_key,
  lb4_sock_reverse_nat,
  lb6_key,
  lb6_sock_reverse_nat,
  lookupService,
  netnsAffinityKey4,
  netnsAffinityKey6,
  pickSlot,
  rememberAffinity,
  statsOf,
  SVC_NOT_IN_CLUSTER,
  SVC_SOURCE_RANGES,
  wantsAffinity,
} from '../lb/index.ts';
import { lb_service } from '../lb/structs.ts';
import { lbProtocol, sock_addr4, sock_addr6 } from './address.ts';

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
function stickyBackend4(ctx: SockAddr, key: lb4_key, svc: lb_service, hash: u32): u32 {
  const now = bpf_ktime_get_ns();
  const client = netnsAffinityKey4(bpf_get_netns_cookie(ctx), svc.service_id);
  let id = affinityBackend(v4, client, svc, now);
  if (id === 0) id = backendIdAt(v4, key, pickSlot(svc, hash));
  if (id !== 0) rememberAffinity(v4, client, id, now);
  return id;
}

function stickyBackend6(ctx: SockAddr, key: lb6_key, svc: lb_service, hash: u32): u32 {
  const now = bpf_ktime_get_ns();
  const client = netnsAffinityKey6(bpf_get_netns_cookie(ctx), svc.service_id);
  let id = affinityBackend(v6, client, svc, now);
  if (id === 0) id = backendIdAt(v6, key, pickSlot(svc, hash));
  if (id !== 0) rememberAffinity(v6, client, id, now);
  return id;
}

/**
 * Translates `dst` (an IPv4 destination) in place when it is a service frontend. A subprogram:
 * connect and sendmsg, v4 and v4-in-v6, share one copy.
 * @noinline
 */
export function forward4(ctx: SockAddr, dst: sock_addr4): u32 {
  const protocol = lbProtocol(ctx.protocol);
  if (protocol === 0) return NOT_A_SERVICE;
  const key: lb4_key = { address: dst.address, port: dst.port, protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService(v4, key, true);
  if (!svc || (svc.flags & LEFT_TO_PACKETS) !== 0) return NOT_A_SERVICE;
  const cookie = bpf_get_socket_cookie(ctx);
  const hash = choice(ctx, protocol, cookie);
  const id = wantsAffinity(svc) ? stickyBackend4(ctx, key, svc, hash) : backendIdAt(v4, key, pickSlot(svc, hash));
  const be = id !== 0 ? backend(v4, id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) st.no_backend += 1;
    return NO_BACKEND;
  }
  if (st) st.translations += 1;
  lb4_sock_reverse_nat.update({ cookie, address: be.address, port: be.port, pad: 0 }, { address: dst.address, port: dst.port, rev_nat_id: svc.rev_nat_id });
  dst.address = be.address;
  dst.port = be.port;
  return TRANSLATED;
}

/**
 * Translates `dst` (an IPv6 destination, not v4-mapped) in place when it is a service frontend.
 * @noinline
 */
export function forward6(ctx: SockAddr, dst: sock_addr6): u32 {
  const protocol = lbProtocol(ctx.protocol);
  if (protocol === 0) return NOT_A_SERVICE;
  const key: lb6_key = { address: [dst.address[0], dst.address[1], dst.address[2], dst.address[3]], port: dst.port, protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService(v6, key, true);
  if (!svc || (svc.flags & LEFT_TO_PACKETS) !== 0) return NOT_A_SERVICE;
  const cookie = bpf_get_socket_cookie(ctx);
  const hash = choice(ctx, protocol, cookie);
  const id = wantsAffinity(svc) ? stickyBackend6(ctx, key, svc, hash) : backendIdAt(v6, key, pickSlot(svc, hash));
  const be = id !== 0 ? backend(v6, id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) st.no_backend += 1;
    return NO_BACKEND;
  }
  if (st) st.translations += 1;
  lb6_sock_reverse_nat.update(
    { cookie, address: [be.address[0], be.address[1], be.address[2], be.address[3]], port: be.port, pad: [0, 0, 0, 0, 0, 0] },
    { address: [dst.address[0], dst.address[1], dst.address[2], dst.address[3]], port: dst.port, rev_nat_id: svc.rev_nat_id },
  );
  copy(dst.address, be.address);
  dst.port = be.port;
  return TRANSLATED;
}
