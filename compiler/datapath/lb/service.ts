// Service lookup: a frontend's slot-0 entry, scoped (the talk's scoped lookup: in-cluster
// traffic takes the internal scope where the two traffic policies pick different backends)
// and wildcarded (NodePorts and HostPorts are stored once, with address 0, and answer on every
// address of the node). The key is the caller's: it comes back pointing at the entry found
// (address 0 for a wildcard hit, the scope used), ready for the backend slots. One source for
// both families (family.ts); an IPv4-mapped IPv6 address belongs to the IPv4 family.

import { LbFamily, LbTypes } from './family.ts';
import { SCOPE_EXTERNAL, SCOPE_INTERNAL, SVC_TWO_SCOPES, SVC_WILDCARD } from './flags.ts';
import { lb4_key, lb6_key, lb_service } from './structs.ts';

/**
 * The entry for key.address:key.port/key.protocol (slot and scope are set here). `internal`:
 * in-cluster traffic (the socket LB); north-south lookups pass false and get scope 0 only.
 */
export function lookupService<F extends LbTypes>(fam: LbFamily<F>, key: F['svcKey'], internal: bool): lb_service | null {
  key.scope = SCOPE_EXTERNAL;
  key.slot = 0;
  let svc = fam.services.lookup(key);
  if (!svc) {
    if (!fam.isNodeAddress(key.address)) return null;
    fam.clearAddress(key);
    svc = fam.services.lookup(key);
    if (!svc || (svc.flags & SVC_WILDCARD) === 0) return null;
  }
  if (internal && (svc.flags & SVC_TWO_SCOPES) !== 0) {
    key.scope = SCOPE_INTERNAL;
    const inner = fam.services.lookup(key);
    if (inner) return inner;
    key.scope = SCOPE_EXTERNAL;
  }
  return svc;
}

/**
 * The wildcard entry's address: 0.
 * @inline
 */
export function clearAddress4(key: lb4_key): void {
  key.address = be32(0);
}

/** @inline */
export function clearAddress6(key: lb6_key): void {
  zero(key.address);
}
