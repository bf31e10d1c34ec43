// Backend choice within a service entry: slots 1..count hold the active backends, then
// `terminating` slots the terminating ones, used only when no active backend is left (as
// Kubernetes' ProxyTerminatingEndpoints does). The caller brings the randomness: a random
// number per TCP connect, the socket cookie for UDP (stable per socket), a flow hash for tc/XDP.

import { LbFamily, LbTypes } from './family.ts';
import { lb_service } from './structs.ts';

/** The slot (1-based) that `hash` picks, or 0 when the entry has no backend at all. */
export function pickSlot(svc: lb_service, hash: u32): u16 {
  const active = svc.count;
  if (active !== 0) return u16(hash % u32(active)) + 1;
  const terminating = svc.terminating;
  if (terminating !== 0) return u16(hash % u32(terminating)) + 1;
  return 0;
}

/** The backend ID in `slot` of the entry `key` names (key.slot is changed); 0 if the slot is gone. */
export function backendIdAt<F extends LbTypes>(fam: LbFamily<F>, key: F['svcKey'], slot: u16): u32 {
  key.slot = slot;
  const e = fam.services.lookup(key);
  return e ? e.backend_id : 0;
}

export function backend<F extends LbTypes>(fam: LbFamily<F>, id: u32): F['backend'] | null {
  return fam.backends.lookup({ backend_id: id });
}
