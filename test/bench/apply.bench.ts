// switchyard-node apply at scale: 10,000 services × 10 backends onto an empty node, then one
// backend replaced (diffed against the snapshot of the last apply, and, as the contender, against
// the live maps as when no snapshot can be trusted), then the same artifacts again.
// Needs root (it loads programs and maps into the kernel, in a bpffs and cgroup of its own).
// Synthetic socket-only artifacts applied inside this process: a breakdown of apply's own cost,
// not the user's path (programming.bench.ts spawns `switchyard-node apply` on compiled output).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './run.ts';
import { apply, type ApplyOptions } from '../../runtime/apply.ts';
import { PinLayout } from '../../runtime/pins.ts';
import { removeNode } from '../../runtime/remove.ts';
import { StateDir } from '../../runtime/state.ts';
import { cgroup2Mount } from '../../runtime/mounts.ts';
import { socklbArtifacts, type Backend, type Service } from '../runtime/socklb-artifacts.ts';

const SERVICES = 10_000;
const BACKENDS_PER_SERVICE = 10;

function cluster(changed: boolean): [Service[], Backend[]] {
  const services: Service[] = [];
  const backends: Backend[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const ids: number[] = [];
    for (let b = 0; b < BACKENDS_PER_SERVICE; b++) {
      const id = s * BACKENDS_PER_SERVICE + b + 1;
      // The change: service 4711's third backend is replaced by a new one (new id, new address).
      const replaced = changed && s === 4711 && b === 2;
      const realId = replaced ? SERVICES * BACKENDS_PER_SERVICE + 1 : id;
      ids.push(realId);
      backends.push({ id: realId, addr: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${replaced ? 254 : id & 255}`, port: 8080 });
    }
    services.push({ vip: `10.96.${(s >> 8) & 255}.${s & 255}`, port: 80, backends: ids });
  }
  backends.sort((a, b) => a.id - b.id);
  return [services, backends];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

export default async (): Promise<BenchResult> => {
  const work = mkdtempSync(join(tmpdir(), 'sy-bench-apply-'));
  const bpffs = join(work, 'bpffs');
  mkdirSync(bpffs);
  execFileSync('mount', ['-t', 'bpf', 'bpf', bpffs]);
  const cg = join(cgroup2Mount(), `sy-bench-${process.pid}`);
  mkdirSync(cg);
  try {
    const variant = { sockOnly: true, maxServices: 262144 };
    const a1 = join(work, 'v1');
    const a2 = join(work, 'v2');
    socklbArtifacts(a1, 'bench', ...cluster(false), variant);
    socklbArtifacts(a2, 'bench', ...cluster(true), variant);
    const o = (dir: string): ApplyOptions => ({ dir, node: 'bench', bpffs, stateDir: join(work, 'state'), cgroup: cg, devices: [], verbose: !!process.env.BENCH_VERBOSE });
    const entries = (lines: string[]) =>
      lines.reduce((n, l) => n + [...l.matchAll(/(?:added|changed|removed) (\d+)/g)].reduce((m, x) => m + Number(x[1]), 0), 0);

    const rows: BenchResult['rows'] = [];
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    // The machine is shared: every figure is the median of several runs, the minimum beside it.
    const measure = (label: string, source: string, runs: number, before: () => void, dir: (i: number) => string) => {
      const times: number[] = [];
      let written = 0;
      for (let i = 0; i < runs; i++) {
        before();
        const r = apply(o(dir(i)));
        if (process.env.BENCH_VERBOSE) console.error(label, r.lines.at(-1));
        times.push(r.ms);
        written = entries(r.lines);
      }
      rows.push({ label, figures: { median: ms(median(times)), min: ms(Math.min(...times)), runs: String(runs), 'entries written': written.toLocaleString('en'), 'diffed against': source } });
      return median(times);
    };
    const node = new PinLayout(bpffs, 'bench');
    const state = new StateDir(join(work, 'state'));
    const fromEmpty = measure(`${SERVICES.toLocaleString('en')} services × ${BACKENDS_PER_SERVICE} backends, empty node`, 'nothing (new maps)', 3, () => removeNode(node, state), () => a1);
    // Alternating v1 and v2: each run replaces one backend (and puts it back).
    const oneChange = measure('one backend replaced', 'snapshot of the last apply', 9, () => {}, (i) => (i % 2 ? a1 : a2));
    const live = measure('one backend replaced, snapshot lost', 'live maps (read back)', 3, () => state.remove(), (i) => (i % 2 ? a2 : a1));
    measure('same artifacts again', 'snapshot (unchanged)', 5, () => {}, () => a1);

    return {
      title: 'switchyard-node apply (in-process breakdown: synthetic socket-only artifacts; includes sha256 checks of every artifact)',
      rows,
      notes: [
        `in-process target < 1 s from empty: ${fromEmpty < 1000 ? 'met' : 'missed'} (median ${ms(fromEmpty)})`,
        `in-process target < 20 ms for a one-backend change: ${oneChange < 20 ? 'met' : 'missed'} (median ${ms(oneChange)})`,
        `snapshot diff vs live read-back for the same change: ${(live / oneChange).toFixed(1)}× faster`,
      ],
    };
  } finally {
    execFileSync('umount', [bpffs]);
    rmdirSync(cg);
    rmSync(work, { recursive: true, force: true });
  }
};
