// The first packet of a flow, as nodeport.bench.ts measures it: new flows spread over the loaded
// services, one BPF_PROG_TEST_RUN each (the "cold" method), timed twice: by test_run (its timer
// around the run, whose own cost the floor's one-run row shows) and by the kernel's run-time
// statistics (the program alone, BPF_ENABLE_STATS).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enableRunTimeStats, progInfo } from '../../runtime/sys/bpf-obj.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';

/** One round's figures: mean ns per first packet. */
export interface FirstPacket {
  /** As test_run reports it (includes its timer's overhead). */
  testRun: number;
  /** The program alone, from bpf_stats. */
  bpf: number;
}

/**
 * `count` new flows, frame i from `frameOf(i)`, one run each through `run1`, whose program is
 * `progFd`. Statistics are enabled for this round only.
 */
export function firstPackets(count: number, frameOf: (i: number) => Uint8Array, run1: (frame: Uint8Array) => number, progFd: number): FirstPacket {
  const stats = enableRunTimeStats();
  try {
    const before = progInfo(progFd);
    let total = 0;
    // Each frame made just before its run, as the bench always has (the JavaScript between runs
    // is part of what makes the method cold).
    for (let i = 0; i < count; i++) total += run1(frameOf(i));
    const after = progInfo(progFd);
    const runs = Number(after.runCnt - before.runCnt);
    return { testRun: total / count, bpf: runs ? Number(after.runTimeNs - before.runTimeNs) / runs : NaN };
  } finally {
    closeFd(stats);
  }
}

/** Which of the bench's parts and variants run (`npm run bench nodeport` takes minutes). */
export const benchEnv = {
  /** BENCH_NODEPORT_VARIANTS: comma-separated parts of packet-row labels ("XDP LB (FIB,tc LB (FIB"); all by default. */
  variants: (process.env.BENCH_NODEPORT_VARIANTS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  /** BENCH_NODEPORT_ROUNDS: rounds of the ns/packet part (5 by default). */
  rounds: Number(process.env.BENCH_NODEPORT_ROUNDS ?? 5),
  /** BENCH_NODEPORT_IPERF=0 leaves the iperf3 part out. */
  iperf: process.env.BENCH_NODEPORT_IPERF !== '0',
  /**
   * BENCH_NODEPORT_BASE=<git revision or directory>: each packet row again with that revision's
   * datapath sources, measured in the same rounds (before and after a change, side by side).
   */
  base: process.env.BENCH_NODEPORT_BASE ?? '',
};

/**
 * `rev`'s compiler/datapath in a fresh directory (a sourceRoot for the harness); removed by the
 * returned function. A directory holding a compiler/datapath is used as it is: a copy with a step
 * compiled out measures that step, side by side.
 */
export function checkoutDatapath(rev: string): { root: string; remove: () => void } {
  if (existsSync(join(rev, 'compiler/datapath'))) return { root: rev, remove: () => {} };
  const root = mkdtempSync(join(tmpdir(), 'switchyard-bench-base-'));
  const tar = execFileSync('git', ['archive', rev, 'compiler/datapath'], { maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', root], { input: tar });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function wantedVariant(label: string): boolean {
  return benchEnv.variants.length === 0 || benchEnv.variants.some((v) => label.includes(v));
}

/** A row of the ns/packet table, as far as first packets go. */
interface FirstRow {
  label: string;
  first?: number;
  firstBpf?: number;
  firstHot?: number;
  alone?: number;
}

/**
 * Per LB row: the first packet less test_run's per-run cost (the floor's one-run figure), the
 * program alone, and how many established packets (one run each, the same method) it is worth.
 */
export function firstPacketNotes(rows: FirstRow[], base: string): string[] {
  const floor = rows[0]!;
  const lb = rows.slice(1).filter((r) => r.first !== undefined && r.alone !== undefined);
  const notes = lb.map((r) => {
    const net = r.first! - floor.first!;
    return `first packet, ${r.label}: ${r.first!.toFixed(0)} ns by test_run, ${net.toFixed(0)} less its per-run cost (the floor's ${floor.first!.toFixed(0)}); the program alone (bpf_stats) ${r.firstBpf!.toFixed(0)} ns; all to one service whose tables stay cached ${r.firstHot!.toFixed(0)} ns; ${(r.first! / r.alone!).toFixed(1)}× an established packet timed the same way (${r.alone!.toFixed(0)} ns)`;
  });
  if (!base) return notes;
  for (const r of lb) {
    const before = lb.find((b) => b.label === `${r.label} @ ${base}`);
    if (!before) continue;
    const ratio = r.first! / before.first!;
    const net = (r.first! - floor.first!) / (before.first! - floor.first!);
    notes.push(`target first packet ≤ 0.5× ${base}'s, ${r.label}: ${ratio <= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}× by test_run; ${net.toFixed(2)}× less the per-run cost; program alone ${(r.firstBpf! / before.firstBpf!).toFixed(2)}×)`);
  }
  return notes;
}
