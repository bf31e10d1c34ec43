// Maps only the north-south path uses (the load balancer's and conntrack's are in ../lb/maps.ts):
// the fragment maps, so that fragments after the first, which carry no ports, follow the first
// fragment's translation; and the node's jiffy length, conntrack's clock (clock.ts).

import { node_clock as node_clock_value } from '../lb/structs.ts';
import { frag4_key, frag4_ports, frag6_key } from './flow.ts';

/** Ports of fragmented datagrams in flight, by (source, destination, IP ID, protocol). */
export const frag4 = map<frag4_key, frag4_ports>({ type: 'lru_hash', maxEntries: 8192 });

/** The same for IPv6, by the fragment header's identification. */
export const frag6 = map<frag6_key, frag4_ports>({ type: 'lru_hash', maxEntries: 8192 });

/** One entry, written by switchyard-node at apply (format/node-clock.ts): ns per jiffy. */
export const node_clock = map<u32, node_clock_value>({ type: 'array', maxEntries: 1 });
