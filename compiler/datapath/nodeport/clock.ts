// Conntrack's clock, in nanoseconds whatever the kernel's HZ: bpf_jiffies64 (inlined by the
// kernel into one load; bpf_ktime_get_coarse_ns is a helper call, 14.7 ns a read in the nodeport
// bench against 1.0 ns for all of this function) times the node's jiffy, which switchyard-node
// measures at apply (format/node-clock.ts). Its epoch is jiffies' own, so values compare only
// with each other; its resolution is one tick (1 to 10 ms).

import { NS_PER_JIFFY_UNMEASURED } from './constants.ts';
import { node_clock } from './maps.ts';

/**
 * Now, in the unit of ct4_value.expires / ct6_value.expires.
 * @inline
 */
export function ctNow(): u64 {
  const c = node_clock.lookup(0);
  let perJiffy = u64(NS_PER_JIFFY_UNMEASURED);
  if (c && c.ns_per_jiffy !== 0) perJiffy = c.ns_per_jiffy;
  return bpf_jiffies64() * perJiffy;
}
