// What a conntrack clock costs a packet, for the nodeport bench: XDP programs that read one clock
// READS times and return XDP_TX, measured beside the floor (the same without reads). The talk
// found the cheap clock worth +1.1 Mpps under XDP; these rows say which clock is cheap here:
// bpf_jiffies64 (which the kernel's JIT inlines into a load), the datapath's own clock (jiffies
// times the node's jiffy from node_clock, compiler/datapath/nodeport/clock.ts), and the two
// ktime helpers, each a call.

import * as asm from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { R0, R1, R2, R6, R10 } from '../../compiler/bpf/register.ts';
import { NS_PER_JIFFY_UNMEASURED } from '../../compiler/datapath/nodeport/constants.ts';
import { NODE_CLOCK_MAP, NODE_CLOCK_VALUE_SIZE, nodeClockEntry } from '../../format/node-clock.ts';
import { mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { mapCreate, MapType, progLoad, ProgType } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import type { Cleanup } from '../helpers/netns.ts';

/** Reads per run: one read is a nanosecond or less, below a single run's noise. */
export const READS = 16;

export interface ClockProgram {
  label: string;
  fd: number;
}

/** ctNow as the datapath compiles it: node_clock looked up (an array: inlined), checked, multiplied. */
function datapathClock(i: number): Item[] {
  const skip = `unmeasured${i}`;
  return [
    asm.st('u32', R10, -4, 0),
    asm.mov64(R2, R10),
    asm.add64(R2, -4),
    asm.ldMap(R1, NODE_CLOCK_MAP),
    asm.call('map_lookup_elem'),
    asm.mov64(R6, NS_PER_JIFFY_UNMEASURED),
    asm.jeq(R0, 0, skip),
    asm.ldx('u64', R1, R0, 0),
    asm.jeq(R1, 0, skip),
    asm.mov64(R6, R1),
    asm.label(skip),
    asm.call('jiffies64'),
    asm.mul64(R0, R6),
  ];
}

/** The programs, closed by `c`; the first is the floor (no read). */
export function clockPrograms(c: Cleanup): ClockProgram[] {
  const clock = mapCreate({ type: MapType.ARRAY, keySize: 4, valueSize: NODE_CLOCK_VALUE_SIZE, maxEntries: 1, name: NODE_CLOCK_MAP });
  c.teardown(() => closeFd(clock));
  const e = nodeClockEntry(250);
  mapUpdate(clock, e.key, e.value);
  const load = (label: string, read: (i: number) => Item[]): ClockProgram => {
    const items = [...Array.from({ length: READS }, (_, i) => read(i)).flat(), asm.mov64(R0, 3), asm.exit()];
    const fd = progLoad({ type: ProgType.XDP, insns: encode(items, { maps: new Map([[NODE_CLOCK_MAP, clock]]) }).bytes, license: 'GPL', name: 'clock_read' }).fd;
    c.teardown(() => closeFd(fd));
    return { label, fd };
  };
  return [
    load('clock floor: XDP_TX, no clock read', () => []),
    load('clock: bpf_jiffies64 (inlined)', () => [asm.call('jiffies64')]),
    load('clock: bpf_jiffies64 × node_clock (the datapath\'s)', datapathClock),
    load('clock: bpf_ktime_get_coarse_ns', () => [asm.call('ktime_get_coarse_ns')]),
    load('clock: bpf_ktime_get_ns', () => [asm.call('ktime_get_ns')]),
  ];
}
