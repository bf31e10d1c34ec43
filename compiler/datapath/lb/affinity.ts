// sessionAffinity: ClientIP. A client keeps its backend while it comes back within the entry's
// timeout (slot 0's backend_id holds it, in seconds). The socket LB names the client by its
// network namespace cookie, as the talk does (every pod is a netns); tc/XDP by its address.
// Times are bpf_ktime_get_ns(): the LRU maps forget idle clients on their own.

import { BACKEND_TERMINATING, SVC_AFFINITY } from './flags.ts';
import { lb4_affinity, lb4_backends, lb6_affinity, lb6_backends } from './maps.ts';
import { lb4_affinity_key, lb6_affinity_key, lb_service } from './structs.ts';

const NS_PER_SECOND = 1000000000;

/** True when the entry asks for affinity. */
export function wantsAffinity(svc: lb_service): bool {
  return (svc.flags & SVC_AFFINITY) !== 0;
}

/**
 * The backend remembered for `key`'s client, or 0: none, expired, no longer an IPv4 backend, or
 * terminating while the service still has active backends.
 */
export function affinityBackend4(key: lb4_affinity_key, svc: lb_service, now: u64): u32 {
  const a = lb4_affinity.lookup(key);
  if (!a) return 0;
  if (now - a.last_used > u64(svc.backend_id) * NS_PER_SECOND) return 0;
  const be = lb4_backends.lookup({ backend_id: a.backend_id });
  if (!be) return 0;
  if ((be.flags & BACKEND_TERMINATING) !== 0 && svc.count !== 0) return 0;
  a.last_used = now;
  return a.backend_id;
}

export function affinityBackend6(key: lb6_affinity_key, svc: lb_service, now: u64): u32 {
  const a = lb6_affinity.lookup(key);
  if (!a) return 0;
  if (now - a.last_used > u64(svc.backend_id) * NS_PER_SECOND) return 0;
  const be = lb6_backends.lookup({ backend_id: a.backend_id });
  if (!be) return 0;
  if ((be.flags & BACKEND_TERMINATING) !== 0 && svc.count !== 0) return 0;
  a.last_used = now;
  return a.backend_id;
}

export function rememberAffinity4(key: lb4_affinity_key, backendId: u32, now: u64): void {
  lb4_affinity.update(key, { last_used: now, backend_id: backendId, pad: 0 });
}

export function rememberAffinity6(key: lb6_affinity_key, backendId: u32, now: u64): void {
  lb6_affinity.update(key, { last_used: now, backend_id: backendId, pad: 0 });
}

/** The socket LB's affinity key: the client's network namespace. */
export function netnsAffinityKey4(cookie: u64, serviceId: u16): lb4_affinity_key {
  return { client: cookie, service_id: serviceId, netns: 1, pad: [0, 0, 0, 0, 0] };
}

export function netnsAffinityKey6(cookie: u64, serviceId: u16): lb6_affinity_key {
  return { client: [htonl(u32(cookie >> 32)), htonl(u32(cookie)), be32(0), be32(0)], service_id: serviceId, netns: 1, pad: 0 };
}
