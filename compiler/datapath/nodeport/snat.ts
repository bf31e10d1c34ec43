// SNAT port allocation for flows to remote backends, one source for both families: the node's
// address and a port from SNAT_PORT_MIN.. that no other flow to the same backend address and
// port holds. The reply entry's key is that 5-tuple seen from the backend, so claiming it with
// BPF_NOEXIST is the allocation: two CPUs cannot both win one port.

import { Family, V4, V6 } from './family.ts';
import { CT_REPLY, SNAT_PORT_COUNT, SNAT_PORT_MIN, SNAT_TRIES } from './constants.ts';

/**
 * Claims a port for the reply entry `reply` (its key's dport is set to the port found) and
 * returns it in network order, or 0 when SNAT_TRIES ports are taken. Each try draws a port of
 * its own: consecutive tries from one random start made runs of taken ports grow (linear
 * probing's clustering), and one SYN in a few hundred found 16 in a row taken with a third of
 * the range free (docs/datapath.md). The loop body is one call, so every iteration ends in the
 * same verifier state (a body with more branches multiplies the paths a verifier without the
 * kernel's liveness-aware pruning walks, 16 times over).
 */
export function allocateSnatPort<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], reply: F['ctValue'], now: u64): be16 {
  key.flags = CT_REPLY;
  for (let i = 0; i < SNAT_TRIES; i++) {
    const port = htons(u16(SNAT_PORT_MIN + bpf_get_prandom_u32() % SNAT_PORT_COUNT));
    key.dport = port;
    if (claimPort(fam, key, reply, now) === 0) return port;
  }
  return be16(0);
}

/**
 * The reply entry created under `key`: 0, or nonzero when a live flow holds the port. An entry
 * whose lifetime has passed is a flow that ended: nothing deletes it (the map is an LRU, which
 * evicts only when it is full), so without this every port once used stayed taken and a busy
 * backend's range filled up for good. It is deleted and the claim made again with BPF_NOEXIST,
 * so that two CPUs reclaiming the same port still cannot both win it.
 * @noinline
 */
function claimPort<F extends V4 | V6>(fam: Family<F>, key: F['ctKey'], reply: F['ctValue'], now: u64): i64 {
  if (fam.ct.update(key, reply, BPF_NOEXIST) === 0) return 0;
  const old = fam.ct.lookup(key);
  if (!old || old.expires >= now) return 1;
  fam.ct.delete(key);
  return fam.ct.update(key, reply, BPF_NOEXIST);
}
