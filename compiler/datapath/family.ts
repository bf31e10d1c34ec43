// The two address families as the datapath's generic code sees them: each family's types (V4,
// V6: its address, flow, conntrack key and value, ...) and a compile-time object of its maps and
// small per-protocol leaves (v4, v6). A path written once takes `fam: Family<F>` with
// `F extends V4 | V6`; the compiler lowers it once per family (docs/bpf-ts.md, "Generics over the
// address family"), so IPv4 and IPv6 each get code as if written for them alone.

import { ct4, ct4_key, ct4_value, ct6, ct6_key, ct6_value } from './lb/index.ts';
import { Flow4, Flow6 } from './nodeport/flow.ts';

/** The IPv4 family's types. */
export interface V4 {
  addr: be32;
  flow: Flow4;
  ctKey: ct4_key;
  ctValue: ct4_value;
}

/** The IPv6 family's types: the same roles, 128-bit addresses as FixedArray<be32, 4>. */
export interface V6 {
  addr: FixedArray<be32, 4>;
  flow: Flow6;
  ctKey: ct6_key;
  ctValue: ct6_value;
}

/** What a family passes to generic code at compile time: its maps and per-protocol leaves. */
export interface Family<F extends V4 | V6> extends AddressFamily {
  /** North-south conntrack (nodeport/conntrack.ts). */
  ct: BpfMap<F['ctKey'], F['ctValue']>;
}

export const v4: Family<V4> = { ipVersion: 4, ct: ct4 };
export const v6: Family<V6> = { ipVersion: 6, ct: ct6 };
