// BPF-TS against clang: one program (parse, map lookup, rewrite with checksums) written in
// BPF-TS (test/lang/fixtures/programs/bench-lb.ts) and in C (bpf-ts-lb.c, clang -O2 -target bpf),
// loaded side by side in this kernel: instruction count, instructions the verifier processed,
// and ns/packet from BPF_PROG_TEST_RUN, alternating the contenders so that noise hits both.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.ts';
import { compileFiles } from '../../compiler/lang/compile.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { BpfCmd, mapCreate, progLoad, progTestRun, ProgType } from '../../runtime/sys/bpf.ts';
import { addressOf, bpfSyscall, closeFd } from '../../runtime/sys/syscall.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SOURCE_TS = here('../lang/fixtures/programs/bench-lb.ts');
const SOURCE_C = here('bpf-ts-lb.c');
const REPEAT = 200_000;
const ROUNDS = 7;

interface Contender {
  label: string;
  fd: number;
  slots: number;
  processed: number;
  mapFd: number;
  ns: number[];
}

function processedOf(log: string): number {
  return Number(/processed (\d+) insns/.exec(log)?.[1] ?? NaN);
}

function mapUpdate(fd: number, key: Uint8Array, value: Uint8Array): void {
  const attr = Buffer.alloc(32);
  const k = Buffer.from(key);
  const v = Buffer.from(value);
  attr.writeUInt32LE(fd, 0);
  attr.writeBigUInt64LE(addressOf(k), 8);
  attr.writeBigUInt64LE(addressOf(v), 16);
  bpfSyscall('BPF_MAP_UPDATE_ELEM services', BpfCmd.MAP_UPDATE_ELEM, attr);
}

const SERVICE = [198, 51, 100, 10];
const BACKEND = [203, 0, 113, 7];
/** Two entries that map each address to the other, so every repetition of the run hits. */
function fill(fd: number): void {
  const key = (a: number[], port: number[]) => new Uint8Array([...a, ...port, 6, 0]);
  const value = (a: number[], port: number[]) => new Uint8Array([...a, ...port, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  mapUpdate(fd, key(SERVICE, [0, 80]), value(BACKEND, [0x1f, 0x90]));
  mapUpdate(fd, key(BACKEND, [0x1f, 0x90]), value(SERVICE, [0, 80]));
}

function packet(): Uint8Array {
  const ip = [0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 192, 0, 2, 1, ...SERVICE];
  const tcp = [0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];
  return new Uint8Array([2, 0, 0, 0, 0, 11, 2, 0, 0, 0, 0, 10, 0x08, 0x00, ...ip, ...tcp]);
}

function loadBpfTs(): Contender & { compileMs: number } {
  const t0 = performance.now();
  const r = compileFiles([SOURCE_TS]);
  const compileMs = performance.now() - t0;
  if (r.programs.length !== 1) throw new Error(`compile ${SOURCE_TS}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  const m = r.maps[0]!;
  const mapFd = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, name: 'bpfts_services' });
  const enc = encode(linkItems(r.object, 'bench_lb'), { maps: { services: mapFd } });
  const res = progLoad({ type: ProgType.XDP, insns: enc.bytes, license: 'GPL', name: 'bench_lb_ts' });
  return { label: 'BPF-TS', fd: res.fd, slots: enc.bytes.length / 8, processed: processedOf(res.log), mapFd, ns: [], compileMs };
}

function loadClang(dir: string, mcpu: string): Contender {
  const obj = join(dir, `lb-${mcpu}.o`);
  const args = ['-O2', '-target', 'bpf', `-mcpu=${mcpu}`, '-g', '-c', SOURCE_C, '-o', obj];
  const clang = ['clang-14', 'clang'].find((c) => {
    try {
      execFileSync(c, ['--version'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });
  if (!clang) throw new Error(`compile ${SOURCE_C}: neither clang-14 nor clang is installed; apt-get install clang`);
  try {
    execFileSync(clang, args, { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`compile ${SOURCE_C} with ${clang}: ${(e as Error).message}`);
  }
  const o = readBpfObject(new Uint8Array(readFileSync(obj)), obj);
  const prog = o.programs.find((p) => p.name === 'bench_lb')!;
  const m = o.maps.find((x) => x.name === 'services')!;
  const mapFd = mapCreate({ type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, name: 'clang_services' });
  const insns = prog.insns.slice();
  for (const r of prog.relocations) {
    if (r.kind !== 'map') throw new Error(`${obj}: unexpected ${r.kind} relocation`);
    insns[r.insn * 8 + 1] = (insns[r.insn * 8 + 1]! & 0x0f) | (1 << 4); // src = BPF_PSEUDO_MAP_FD
    new DataView(insns.buffer).setInt32(r.insn * 8 + 4, mapFd, true);
  }
  const res = progLoad({ type: ProgType.XDP, insns, license: 'GPL', name: `bench_lb_${mcpu}` });
  return { label: `${clang} -O2 -mcpu=${mcpu}`, fd: res.fd, slots: insns.length / 8, processed: processedOf(res.log), mapFd, ns: [] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async (): Promise<BenchResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-bpfts-'));
  const contenders: Contender[] = [];
  try {
    const ts = loadBpfTs();
    contenders.push(ts, loadClang(dir, 'v3'), loadClang(dir, 'v1'));
    for (const c of contenders) fill(c.mapFd);
    const data = packet();
    for (const c of contenders) {
      const r = progTestRun(c.fd, { data });
      if (r.retval !== 3) throw new Error(`${c.label}: returned ${r.retval}, expected XDP_TX (3)`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of contenders) c.ns.push(progTestRun(c.fd, { data, repeat: REPEAT }).durationNs);
    }
    const base = contenders[1]!;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const rows = contenders.map((c) => ({
      label: c.label,
      figures: {
        instructions: String(c.slots),
        'verifier processed': String(c.processed),
        'ns/packet (median)': String(median(c.ns)),
        'vs clang v3 (insns / processed / ns)': `${ratio(c.slots, base.slots)} / ${ratio(c.processed, base.processed)} / ${ratio(median(c.ns), median(base.ns))}`,
      },
    }));
    const checks = [
      ['instructions', ts.slots / base.slots],
      ['verifier processed', ts.processed / base.processed],
      ['ns/packet', median(ts.ns) / median(base.ns)],
    ] as const;
    return {
      title: 'BPF-TS vs clang: parse, map lookup, rewrite (XDP, BPF_PROG_TEST_RUN)',
      rows,
      notes: [
        ...checks.map(([what, r]) => `target BPF-TS within 1.2x of clang -O2 on ${what}: ${r <= 1.2 ? 'met' : 'NOT met'} (${r.toFixed(2)}x)`),
        `BPF-TS compile time (ts-morph project, front end, passes): ${ts.compileMs.toFixed(0)} ms`,
        `ns/packet: median of ${ROUNDS} alternating runs of ${REPEAT} repetitions each`,
      ],
    };
  } finally {
    for (const c of contenders) closeFd(c.fd), closeFd(c.mapFd);
    rmSync(dir, { recursive: true, force: true });
  }
};
