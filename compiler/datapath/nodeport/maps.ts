// Maps only the north-south path uses (the load balancer's and conntrack's are in ../lb/maps.ts):
// the fragment maps, so that fragments after the first, which carry no ports, follow the first
// fragment's translation.

import { frag4_key, frag4_ports, frag6_key } from './flow.ts';

/** Ports of fragmented datagrams in flight, by (source, destination, IP ID, protocol). */
export const frag4 = map<frag4_key, frag4_ports>({ type: 'lru_hash', maxEntries: 8192 });

/** The same for IPv6, by the fragment header's identification. */
export const frag6 = map<frag6_key, frag4_ports>({ type: 'lru_hash', maxEntries: 8192 });
