// SNAT port allocation for IPv6 flows to remote backends: as snat4.ts, in ct6. Claiming the
// reply entry with BPF_NOEXIST is the allocation; one update per try keeps every iteration in
// the same verifier state.

import { ct6, ct6_key, ct6_value } from '../lb/index.ts';
import { CT_REPLY, SNAT_PORT_COUNT, SNAT_PORT_MIN, SNAT_TRIES } from './constants.ts';

/** The port claimed for `reply` (its key's dport), network order, or 0 when none was free. */
export function allocateSnatPort6(key: ct6_key, reply: ct6_value): be16 {
  key.flags = CT_REPLY;
  const start = bpf_get_prandom_u32() % SNAT_PORT_COUNT;
  for (let i = 0; i < SNAT_TRIES; i++) {
    const port = htons(u16(SNAT_PORT_MIN + (start + i) % SNAT_PORT_COUNT));
    key.dport = port;
    if (ct6.update(key, reply, BPF_NOEXIST) === 0) return port;
  }
  return be16(0);
}
