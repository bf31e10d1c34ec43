// Backend choice within a service entry: slots 1..count hold the active backends, then
// `terminating` slots the terminating ones, used only when no active backend is left (as
// Kubernetes' ProxyTerminatingEndpoints does). The caller brings the randomness: a random
// number per TCP connect, the socket cookie for UDP (stable per socket), a flow hash for tc/XDP.

import { lb4_backends, lb4_services, lb6_backends, lb6_services } from './maps.ts';
import { lb4_backend, lb4_key, lb6_backend, lb6_key, lb_service } from './structs.ts';

/** The slot (1-based) that `hash` picks, or 0 when the entry has no backend at all. */
export function pickSlot(svc: lb_service, hash: u32): u16 {
  const active = svc.count;
  if (active !== 0) return u16(hash % u32(active)) + 1;
  const terminating = svc.terminating;
  if (terminating !== 0) return u16(hash % u32(terminating)) + 1;
  return 0;
}

/** The backend ID in `slot` of the entry `key` names (key.slot is changed); 0 if the slot is gone. */
export function backendIdAt4(key: lb4_key, slot: u16): u32 {
  key.slot = slot;
  const e = lb4_services.lookup(key);
  return e ? e.backend_id : 0;
}

export function backendIdAt6(key: lb6_key, slot: u16): u32 {
  key.slot = slot;
  const e = lb6_services.lookup(key);
  return e ? e.backend_id : 0;
}

export function backend4(id: u32): lb4_backend | null {
  return lb4_backends.lookup({ backend_id: id });
}

export function backend6(id: u32): lb6_backend | null {
  return lb6_backends.lookup({ backend_id: id });
}
