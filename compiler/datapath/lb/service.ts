// Service lookup: a frontend's slot-0 entry, scoped (the talk's scoped lookup: in-cluster
// traffic takes the internal scope where the two traffic policies pick different backends)
// and wildcarded (NodePorts and HostPorts are stored once, with address 0, and answer on every
// address of the node). The key is the caller's: it comes back pointing at the entry found
// (address 0 for a wildcard hit, the scope used), ready for the backend slots.

import { SCOPE_EXTERNAL, SCOPE_INTERNAL, SVC_TWO_SCOPES, SVC_WILDCARD } from './flags.ts';
import { lb4_services, lb6_services } from './maps.ts';
import { isNodeAddress4, isNodeAddress6 } from './node.ts';
import { lb4_key, lb6_key, lb_service } from './structs.ts';

/**
 * The entry for key.address:key.port/key.protocol (slot and scope are set here). `internal`:
 * in-cluster traffic (the socket LB); north-south lookups pass false and get scope 0 only.
 */
export function lookupService4(key: lb4_key, internal: bool): lb_service | null {
  key.scope = SCOPE_EXTERNAL;
  key.slot = 0;
  let svc = lb4_services.lookup(key);
  if (!svc) {
    if (!isNodeAddress4(key.address)) return null;
    key.address = be32(0);
    svc = lb4_services.lookup(key);
    if (!svc || (svc.flags & SVC_WILDCARD) === 0) return null;
  }
  if (internal && (svc.flags & SVC_TWO_SCOPES) !== 0) {
    key.scope = SCOPE_INTERNAL;
    const inner = lb4_services.lookup(key);
    if (inner) return inner;
    key.scope = SCOPE_EXTERNAL;
  }
  return svc;
}

/** As lookupService4, for IPv6 frontends (v4-mapped addresses belong to lookupService4). */
export function lookupService6(key: lb6_key, internal: bool): lb_service | null {
  key.scope = SCOPE_EXTERNAL;
  key.slot = 0;
  let svc = lb6_services.lookup(key);
  if (!svc) {
    if (!isNodeAddress6(key.address)) return null;
    key.address[0] = be32(0);
    key.address[1] = be32(0);
    key.address[2] = be32(0);
    key.address[3] = be32(0);
    svc = lb6_services.lookup(key);
    if (!svc || (svc.flags & SVC_WILDCARD) === 0) return null;
  }
  if (internal && (svc.flags & SVC_TWO_SCOPES) !== 0) {
    key.scope = SCOPE_INTERNAL;
    const inner = lb6_services.lookup(key);
    if (inner) return inner;
    key.scope = SCOPE_EXTERNAL;
  }
  return svc;
}
