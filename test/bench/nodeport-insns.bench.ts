// Where an established packet's instructions go, per family and hook: the instructions the
// north-south ingress program executes on one packet of a flow whose entry and cached route
// are in place, counted by the simulator (simulate/, bit-exact with the kernel: the
// differential test) and grouped by the BPF-TS file each instruction came from. Counts, not
// times: what nodeport.bench.ts's IPv6/IPv4 ratio is made of, beside the helpers' own work
// (the conntrack lookup hashes and compares the key: 16 bytes for IPv4, 40 for IPv6).

import type { BenchResult, BenchRow } from './run.ts';
import { Cleanups } from './nodeport-setup.ts';
import { enterPacketNetns, MAC, skbCtx, xdpMd, type PacketNetns } from '../packet/harness.ts';
import { frame6, tcpSegment } from '../packet/frames.ts';
import { packet } from '../packet/scene.ts';
import { loadDual, type Dual } from '../simulate/dual.ts';
import { writeTables } from '../simulate/corpus.ts';
import type { SimProgram } from '../../simulate/program.ts';

const NODE6 = 'fd00:10::1';
const CLIENT6 = '2001:db8:c::1';

/** The instructions of one run, in all and per source file. */
interface Count {
  total: number;
  files: Map<string, number>;
}

function count(p: SimProgram, pcs: readonly number[]): Count {
  const info = [...p.linked.lineInfo].sort((a, b) => a.insn - b.insn);
  const files = new Map<string, number>();
  let j = -1;
  const sorted = [...pcs].sort((a, b) => a - b);
  const fileOf = new Map<number, string>();
  for (const pc of sorted) {
    if (fileOf.has(pc)) continue;
    while (j + 1 < info.length && info[j + 1]!.insn <= pc) j++;
    fileOf.set(pc, j < 0 ? '?' : info[j]!.file.replace(/^.*compiler\/datapath\//, ''));
  }
  for (const pc of pcs) {
    const f = fileOf.get(pc)!;
    files.set(f, (files.get(f) ?? 0) + 1);
  }
  return { total: pcs.length, files };
}

/** The third packet of a TCP flow (its first made the entries, its second cached the route). */
function established(dual: Dual, devices: PacketNetns, program: string, frame: (flags: number) => Uint8Array): Count {
  const p = dual.sim.programs.get(program)!;
  // The simulator takes XDP's data_end from the frame (0 here), as the differential test does.
  const ctx = () => (program === 'nodeport_xdp' ? new Uint8Array(xdpMd(devices.eth0, 0)) : new Uint8Array(skbCtx(devices.eth0)));
  const run = (f: Uint8Array) => dual.sim.runRaw(p, ctx(), f);
  run(frame(0x02));
  run(frame(0x10));
  const r = run(frame(0x10));
  return count(p, r.pcs);
}

export default async function nodeportInsnsBench(): Promise<BenchResult> {
  const c = new Cleanups();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    const devices = enterPacketNetns(c);
    const v4 = (flags: number) => packet({ src: '198.51.100.1', dst: '10.0.0.1', sport: 33333, dport: 30001, flags });
    const v6 = (flags: number) => frame6({ src: CLIENT6, dst: NODE6, nextHeader: 6, hopLimit: 64, dstMac: MAC.eth0, srcMac: MAC.gateway, payload: tcpSegment({ src: CLIENT6, dst: NODE6, sport: 33333, dport: 30001, flags }) });
    const counts: { label: string; c: Count }[] = [];
    for (const hook of ['xdp', 'tc'] as const) {
      const dual = await loadDual(c, { hook }, devices, { trace: true });
      writeTables(dual.kernel);
      dual.mirror();
      const program = hook === 'xdp' ? 'nodeport_xdp' : 'nodeport_ingress';
      counts.push({ label: `${hook} IPv4`, c: established(dual, devices, program, v4) });
      counts.push({ label: `${hook} IPv6`, c: established(dual, devices, program, v6) });
    }
    const files = [...new Set(counts.flatMap((x) => [...x.c.files.keys()]))].sort();
    for (const f of files) rows.push({ label: f, figures: Object.fromEntries(counts.map((x) => [x.label, String(x.c.files.get(f) ?? '')])) });
    rows.push({ label: 'total', figures: Object.fromEntries(counts.map((x) => [x.label, String(x.c.total)])) });
    for (const hook of ['xdp', 'tc']) {
      const four = counts.find((x) => x.label === `${hook} IPv4`)!.c.total;
      const six = counts.find((x) => x.label === `${hook} IPv6`)!.c.total;
      notes.push(`${hook}: IPv6 executes ${six - four} instructions more than IPv4 (${(six / four).toFixed(2)}×)`);
    }
  } finally {
    c.run();
  }
  return { title: 'north-south LB: instructions of an established packet by source file (simulator)', rows, notes };
}
