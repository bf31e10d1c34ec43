// The node's clock rate, which the north-south conntrack's lifetimes need and an ahead-of-time
// compiler cannot know: CONFIG_HZ is a kernel build option (100, 250, 300 or 1000). The datapath
// keeps bpf_jiffies64 (inlined by the kernel into one load; bpf_ktime_get_coarse_ns is a helper
// call, about 14 ns a packet here) and multiplies it by the length of a jiffy in nanoseconds,
// which switchyard-node measures at apply (runtime/clock-probe.ts) and writes into the map named
// here; the simulator writes its virtual clock's. Inert and shared by compiler, runtime and
// simulator.

/** An array of one: key u32 0, value u64 little-endian (compiler/emit/map-layouts.ts NODE_CLOCK). */
export const NODE_CLOCK_MAP = 'node_clock';
export const NODE_CLOCK_VALUE_SIZE = 8;

/** The HZ values Linux's Kconfig offers (kernel/Kconfig.hz); a measured rate snaps to one of them. */
export const KCONFIG_HZ: readonly number[] = [100, 250, 300, 1000];

/**
 * The HZ the datapath assumes while node_clock holds 0 (compiler/datapath/nodeport/constants.ts
 * NS_PER_JIFFY_UNMEASURED is its jiffy): the fastest, so entries live at least as long as stated.
 */
export const UNMEASURED_HZ = 1000;

/** Nanoseconds in one jiffy at `hz`, rounded as the kernel's TICK_NSEC is. */
export function nsPerJiffy(hz: number): bigint {
  if (!Number.isInteger(hz) || hz <= 0) throw new RangeError(`HZ ${hz}: not a tick rate`);
  return (1_000_000_000n + BigInt(hz >> 1)) / BigInt(hz);
}

/** The key and value that tell the datapath a jiffy's length. */
export function nodeClockEntry(hz: number): { key: Uint8Array; value: Uint8Array } {
  const value = new Uint8Array(NODE_CLOCK_VALUE_SIZE);
  new DataView(value.buffer).setBigUint64(0, nsPerJiffy(hz), true);
  return { key: new Uint8Array(4), value };
}

/**
 * The HZ a measured rate (jiffies per second) stands for: the Kconfig value within 5% of it (the
 * nearest two, 250 and 300, are 20% apart), or undefined for a rate that is none of them.
 */
export function snapHz(perSecond: number): number | undefined {
  return KCONFIG_HZ.find((hz) => Math.abs(perSecond - hz) <= 0.05 * hz);
}
