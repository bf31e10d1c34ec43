// The kernel's random numbers and clock, steered by the test: before loading, each call of
// bpf_get_prandom_u32, bpf_ktime_get_ns and bpf_jiffies64 becomes a load from a one-entry array
// map (`sy_steer`) that the test writes before each system call, and the simulator's generator
// and clock answer the same. Unlike constants written into the program (dual.ts), the values
// change from call to call, so a corpus reaches every backend slot and lets affinity entries age.

import * as a from '../../compiler/bpf/asm.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { Class, JmpOp, CallSrc } from '../../compiler/bpf/opcode.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { helperId } from '../../format/bpf-helpers.ts';
import { mapTypes } from '../../format/bpf-uapi.ts';
import { mapCreate } from '../../runtime/sys/bpf.ts';
import { mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import type { SimNode } from '../../simulate/node.ts';
import type { Cleanup } from '../helpers/netns.ts';

export const STEER_MAP = 'sy_steer';
/** The value: random u32 at 0, ktime (ns) at 8, jiffies at 16. */
const AT = { random: 0, ktime: 8, jiffies: 16, size: 24 } as const;

const steered = new Map<number, Item[]>([
  [helperId('get_prandom_u32'), [a.ldMapValue(R0, STEER_MAP, AT.random), a.ldx('u32', R0, R0, 0)]],
  [helperId('ktime_get_ns'), [a.ldMapValue(R0, STEER_MAP, AT.ktime), a.ldx('u64', R0, R0, 0)]],
  [helperId('jiffies64'), [a.ldMapValue(R0, STEER_MAP, AT.jiffies), a.ldx('u64', R0, R0, 0)]],
]);

/**
 * The program with those helper calls replaced. The calls clobbered r1-r5 and the loads do not,
 * which the verifier accepts: code after a call never reads them.
 */
export function steerHelpers(items: readonly Item[]): Item[] {
  return items.flatMap((it) => {
    if (it.kind !== 'insn' || it.op !== (Class.JMP | JmpOp.CALL) || it.src !== CallSrc.HELPER) return [it];
    const with_ = steered.get(it.imm);
    return with_ ? with_.map((w, i) => (i === 0 && it.source ? { ...w, source: it.source } : w)) : [it];
  });
}

export interface Steering {
  /** The map's fd, for encode's map table. */
  fd: number;
  /** Sets the next calls' values on both sides. */
  set(v: { random: number; ktimeNs: bigint }): void;
}

export function createSteering(t: Cleanup, sim: SimNode): Steering {
  const fd = mapCreate({ type: mapTypes.array, keySize: 4, valueSize: AT.size, maxEntries: 1, name: STEER_MAP });
  t.teardown(() => closeFd(fd));
  const key = new Uint8Array(4);
  const value = new Uint8Array(AT.size);
  const dv = new DataView(value.buffer);
  return {
    fd,
    set({ random, ktimeNs }) {
      const jiffies = (ktimeNs * BigInt(sim.env.clock.hz)) / 1_000_000_000n;
      dv.setUint32(AT.random, random >>> 0, true);
      dv.setBigUint64(AT.ktime, ktimeNs, true);
      dv.setBigUint64(AT.jiffies, jiffies, true);
      mapUpdate(fd, key, value);
      sim.env.random = () => random >>> 0;
      sim.env.clock.ns = Number(ktimeNs);
    },
  };
}
