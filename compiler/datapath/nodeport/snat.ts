// SNAT port allocation for flows to remote backends, one source for both families: the node's
// address and a port from SNAT_PORT_MIN.. that no other flow to the same backend address and
// port holds. The reply entry's key is that 5-tuple seen from the backend, so claiming it with
// BPF_NOEXIST is the allocation: two CPUs cannot both win one port. A start at random spreads
// flows over the range.

import { Family, V4, V6 } from './family.ts';
import { CT_REPLY, SNAT_PORT_COUNT, SNAT_PORT_MIN, SNAT_TRIES } from './constants.ts';

/**
 * Claims a port for the reply entry `reply` (its key's dport is set to the port found) and
 * returns it in network order, or 0 when SNAT_TRIES ports in a row are taken. A port held by
 * an expired entry stays taken until the LRU map evicts it: the loop body is one update, so
 * every iteration ends in the same verifier state (a body with more branches multiplies the
 * paths a verifier without the kernel's liveness-aware pruning walks, 16 times over).
 */
export function allocateSnatPort<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], reply: F['ctValue']): be16 {
  key.flags = CT_REPLY;
  const start = bpf_get_prandom_u32() % SNAT_PORT_COUNT;
  for (let i = 0; i < SNAT_TRIES; i++) {
    const port = htons(u16(SNAT_PORT_MIN + (start + i) % SNAT_PORT_COUNT));
    key.dport = port;
    if (fam.ct.update(key, reply, BPF_NOEXIST) === 0) return port;
  }
  return be16(0);
}
