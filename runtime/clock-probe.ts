// The node's HZ, measured at apply and written where the north-south conntrack reads it
// (format/node-clock.ts): how fast bpf_jiffies64 counts against CLOCK_MONOTONIC, read by a
// two-instruction program run with BPF_PROG_TEST_RUN. Measured rather than read from the
// kernel's config, which a node image need not carry (/proc/config.gz, /boot/config-*).

import { helperId } from '../format/bpf-helpers.ts';
import { NODE_CLOCK_MAP, nodeClockEntry, nsPerJiffy, snapHz, UNMEASURED_HZ } from '../format/node-clock.ts';
import type { LiveMap } from './map.ts';
import { progLoad, progTestRun, ProgType } from './sys/bpf.ts';
import { closeFd } from './sys/syscall.ts';

/** A jiffy edge is timed only when the reads around it are this close (a preempted read is not). */
const EDGE_WINDOW_NS = 200_000n;
/** The edges measured between are at least this far apart: at most a 1% error from the windows. */
const SPAN_NS = 20_000_000n;
/** Long enough for a span of well-timed edges on a busy node (24 to 160 ms at load average 20). */
const TIMEOUT_NS = 2_000_000_000n;
/** XDP test runs want at least an Ethernet header. */
const FRAME = new Uint8Array(64);

export interface ClockProbe {
  /** The kernel's CONFIG_HZ. */
  hz: number;
  /** Jiffies per second as measured. */
  measured: number;
}

/** The kernel's jiffies, read from user space; close() when done. */
export interface JiffiesReader {
  /** The low 32 bits of bpf_jiffies64() now. */
  read(): number;
  close(): void;
}

/** `r0 = bpf_jiffies64(); exit`, run with BPF_PROG_TEST_RUN: its return value is the low 32 bits. */
export function jiffiesReader(): JiffiesReader {
  const insns = new Uint8Array(16);
  const dv = new DataView(insns.buffer);
  insns[0] = 0x85; // BPF_JMP | BPF_CALL, a helper
  dv.setInt32(4, helperId('jiffies64'), true);
  insns[8] = 0x95; // BPF_JMP | BPF_EXIT
  const fd = progLoad({ type: ProgType.XDP, insns, license: 'GPL', name: 'sy_clock_probe', logLevel: 0 }).fd;
  return { read: () => progTestRun(fd, { data: FRAME }).retval, close: () => closeFd(fd) };
}

interface Edge {
  /** Jiffies (low 32 bits) just after the edge. */
  jiffies: number;
  /** CLOCK_MONOTONIC, the middle of the window the edge fell in. */
  ns: bigint;
}

/**
 * Times edges of the jiffies counter (the first well-timed one, and later ones at least SPAN_NS
 * on) until the rate between them is one of Kconfig's HZ values. Throws when no such rate shows
 * within TIMEOUT_NS, naming what was measured.
 */
export function probeHz(): ClockProbe {
  const jiffies = jiffiesReader();
  try {
    const read = () => {
      const before = process.hrtime.bigint();
      const now = jiffies.read();
      return { jiffies: now, before, after: process.hrtime.bigint() };
    };
    let prev = read();
    const start = prev.before;
    let first: Edge | undefined;
    let measured = NaN;
    while (prev.after - start < TIMEOUT_NS) {
      const cur = read();
      if (cur.jiffies !== prev.jiffies && cur.after - prev.before <= EDGE_WINDOW_NS) {
        const edge = { jiffies: cur.jiffies, ns: (prev.before + cur.after) / 2n };
        if (!first) first = edge;
        else if (edge.ns - first.ns >= SPAN_NS) {
          measured = (((edge.jiffies - first.jiffies) >>> 0) * 1e9) / Number(edge.ns - first.ns);
          const hz = snapHz(measured);
          if (hz !== undefined) return { hz, measured };
        }
      }
      prev = cur;
    }
    throw new Error(`node clock: bpf_jiffies64 counted ${Number.isNaN(measured) ? 'no well-timed ticks' : `${measured.toFixed(1)} a second`} in ${Number(TIMEOUT_NS) / 1e9} s, not a CONFIG_HZ of 100, 250, 300 or 1000; conntrack lifetimes assume HZ ${UNMEASURED_HZ} until an apply measures it (docs/datapath.md)`);
  } finally {
    jiffies.close();
  }
}

/** What writeNodeClock did: the probe, when it ran, and the jiffy the datapath now counts in. */
export interface NodeClock {
  probe?: ClockProbe;
  /** Nanoseconds per jiffy as the new programs will take them (UNMEASURED_HZ's while node_clock is 0). */
  nsPerJiffy: bigint;
}

/**
 * Tells the object's conntrack the node's jiffy, unless its map already knows it (a pinned map
 * kept from an earlier apply: pins do not outlive the boot, and HZ does not change within one).
 * Undefined for an object without node_clock. A failed probe is a warning: the map stays 0 (the
 * next apply probes again) and the datapath takes UNMEASURED_HZ's jiffy, as it did before.
 */
export function writeNodeClock(maps: ReadonlyMap<string, LiveMap>, log: (line: string) => void): NodeClock | undefined {
  const m = maps.get(NODE_CLOCK_MAP);
  if (!m) return undefined;
  const key = new Uint8Array(4);
  const known = m.lookup(key);
  const value = known ? new DataView(known.buffer, known.byteOffset).getBigUint64(0, true) : 0n;
  if (value !== 0n) return { nsPerJiffy: value };
  let probe: ClockProbe;
  try {
    probe = probeHz();
  } catch (e) {
    log(`warning: ${(e as Error).message}`);
    return { nsPerJiffy: nsPerJiffy(UNMEASURED_HZ) };
  }
  const e = nodeClockEntry(probe.hz);
  m.writeMany(e.key, e.value, 1);
  return { probe, nsPerJiffy: nsPerJiffy(probe.hz) };
}
