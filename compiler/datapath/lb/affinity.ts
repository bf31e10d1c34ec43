// sessionAffinity: ClientIP. A client keeps its backend while it comes back within the entry's
// timeout (slot 0's backend_id holds it, in seconds). The socket LB names the client by its
// network namespace cookie, as the talk does (every pod is a netns); tc/XDP by its address.
// Times are bpf_ktime_get_ns(): the LRU maps forget idle clients on their own. One source for
// both families (family.ts); the key's layout is each family's own.

import { LbFamily, LbTypes } from './family.ts';
import { BACKEND_TERMINATING, SVC_AFFINITY } from './flags.ts';
import { lb4_affinity_key, lb6_affinity_key, lb_service } from './structs.ts';

const NS_PER_SECOND = 1000000000;

/** True when the entry asks for affinity. */
export function wantsAffinity(svc: lb_service): bool {
  return (svc.flags & SVC_AFFINITY) !== 0;
}

/**
 * The backend remembered for `key`'s client, or 0: none, expired, no longer a backend of the
 * family, or terminating while the service still has active backends.
 */
export function affinityBackend<F extends LbTypes>(fam: LbFamily<F>, key: F['affinityKey'], svc: lb_service, now: u64): u32 {
  const a = fam.affinity.lookup(key);
  if (!a) return 0;
  if (now - a.last_used > u64(svc.backend_id) * NS_PER_SECOND) return 0;
  const be = fam.backends.lookup({ backend_id: a.backend_id });
  if (!be) return 0;
  if ((be.flags & BACKEND_TERMINATING) !== 0 && svc.count !== 0) return 0;
  a.last_used = now;
  return a.backend_id;
}

export function rememberAffinity<F extends LbTypes>(fam: LbFamily<F>, key: F['affinityKey'], backendId: u32, now: u64): void {
  fam.affinity.update(key, { last_used: now, backend_id: backendId, pad: 0 });
}

/** The socket LB's affinity key: the client's network namespace. */
export function netnsAffinityKey4(cookie: u64, serviceId: u16): lb4_affinity_key {
  return { client: cookie, service_id: serviceId, netns: 1, pad: [0, 0, 0, 0, 0] };
}

export function netnsAffinityKey6(cookie: u64, serviceId: u16): lb6_affinity_key {
  return { client: [htonl(u32(cookie >> 32)), htonl(u32(cookie)), be32(0), be32(0)], service_id: serviceId, netns: 1, pad: 0 };
}
