// The clock, the random generator and the CPU: bpf_ktime_get_ns and bpf_jiffies64 read the
// node's virtual clock (which only moves when the simulation advances it), bpf_get_prandom_u32
// its seeded generator, and bpf_get_smp_processor_id says CPU 0 (the node has one).

import type { Helper } from './helper.ts';

export const ktimeGetNs: Helper = (env) => env.clock.ns;
export const jiffies64: Helper = (env) => Math.floor((env.clock.ns * env.clock.hz) / 1e9);
export const getPrandomU32: Helper = (env) => env.random();
export const getSmpProcessorId: Helper = () => 0;
