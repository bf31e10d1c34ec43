// `npm run bench programming`: network programming as a user meets it (KEP-3453's measure), with
// kube-proxy's programmers in the same run. Per size (services × endpoints on nodes): Switchyard's
// compile and apply as spawned processes, from empty and for one endpoint replaced, the change end
// to end (spec edit → compile → apply → a connect through the socket LB reaches the new backend),
// and kube-proxy's iptables-restore (legacy and nf_tables) and nft on the same services, full and
// partial syncs. Figures are wall time, CPU time of the child processes and peak RSS; targets are
// CPU-time ratios, since the machine is shared and CPU time is what other work disturbs least.
//
// Sizes: BENCH_PROGRAMMING_SERVICES (default "1000,10000"), BENCH_PROGRAMMING_ENDPOINTS (10),
// BENCH_PROGRAMMING_NODES (100), BENCH_PROGRAMMING_CHANGES (3 changes through spawned applies and
// 3 more through the node agent, `switchyard-node run`, medians reported), and
// BENCH_PROGRAMMING_KUBE_PROXY (e.g. "legacy,nft": the programmers whose labels contain one; all
// by default), BENCH_PROGRAMMING_LIMIT_S (30: a kube-proxy programmer's process that uses more CPU
// seconds is stopped and shown as "> limit", so that a run takes minutes; 0: no limit).

import { cpus, loadavg } from 'node:os';
import { benchCluster, sparePodAddress, type BenchCluster, type BenchShape } from './bench-cluster.ts';
import { usageMeter, type ChildUsage } from './child-usage.ts';
import { runProgrammers, type ProgrammerRuns } from './kube-proxy-contenders.ts';
import { Cleanups } from './nodeport-setup.ts';
import type { BenchResult, BenchRow } from './run.ts';
import { applySteps, runSwitchyard, type SwitchyardRuns } from './switchyard-path.ts';

const envNumbers = (name: string, fallback: string): number[] => (process.env[name] ?? fallback).split(',').map((x) => Number(x.trim()));
const SIZES = envNumbers('BENCH_PROGRAMMING_SERVICES', '1000,10000');
const [ENDPOINTS] = envNumbers('BENCH_PROGRAMMING_ENDPOINTS', '10') as [number];
const [NODES] = envNumbers('BENCH_PROGRAMMING_NODES', '100') as [number];
const [CHANGES] = envNumbers('BENCH_PROGRAMMING_CHANGES', '3') as [number];
const [LIMIT_S] = envNumbers('BENCH_PROGRAMMING_LIMIT_S', '30') as [number];
const KUBE_PROXY = (process.env.BENCH_PROGRAMMING_KUBE_PROXY ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const NODE = 'node0';

/** The targets of issue 16, as CPU-time ratios to the fastest kube-proxy programmer. */
const TARGETS = {
  oneChange: new Map([[1_000, 1.0], [10_000, 0.5]]),
  full: new Map([[10_000, 0.2]]),
};

const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const count = (n: number): string => n.toLocaleString('en');

/** The run of median CPU time: the figures of one real run, not a mix of several. */
function median(runs: readonly ChildUsage[]): ChildUsage {
  return [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[runs.length >> 1]!;
}

/** A ClusterIP service in the middle of the cluster: the one whose endpoint the changes replace. */
function changedService(shape: BenchShape): number {
  let s = Math.floor(shape.services * 0.4321);
  while (s % 20 < 4) s++; // benchCluster's NodePort and LoadBalancer services
  return s;
}

interface SizeResult {
  shape: BenchShape;
  sy: SwitchyardRuns;
  kp: ProgrammerRuns[];
}

async function measureSize(c: Cleanups, shape: BenchShape): Promise<SizeResult> {
  const meter = usageMeter();
  c.teardown(() => meter.dispose());
  const service = changedService(shape);
  // CHANGES through spawned applies, then CHANGES more through the node agent.
  const newBackends = Array.from({ length: 2 * CHANGES }, (_, k) => sparePodAddress(0, k));
  const versions: BenchCluster[] = [benchCluster(shape), ...newBackends.map((address) => benchCluster(shape, { service, endpoint: 3, address }))];
  const serviceIP = versions[0]!.services[service]!.clusterIP;
  process.stderr.write(`bench: programming ${count(shape.services)} services: switchyard ...\n`);
  const sy = await runSwitchyard(c, meter, versions, { node: NODE, serviceIP, newBackends, spawnedChanges: CHANGES });
  process.stderr.write(`bench: programming ${count(shape.services)} services: kube-proxy's programmers ...\n`);
  const kp = runProgrammers(meter, versions, NODE, LIMIT_S, KUBE_PROXY);
  return { shape, sy, kp };
}

/** The fastest of `runs` by CPU time, leaving out runs stopped at the limit. */
function fastest<T>(runs: readonly T[], usage: (r: T) => ChildUsage | undefined): T | undefined {
  const done = runs.filter((r) => usage(r) && !usage(r)!.timedOut);
  return done.length ? done.reduce((a, b) => (usage(a)!.cpuMs <= usage(b)!.cpuMs ? a : b)) : undefined;
}

function rowsFor(r: SizeResult): { rows: BenchRow[]; notes: string[] } {
  const size = `${count(r.shape.services)} svc`;
  const partialOf = (k: ProgrammerRuns): ChildUsage | undefined => (k.partial.length ? median(k.partial) : undefined);
  const fastestFull = fastest(r.kp, (k) => k.full);
  const fastestPartial = fastest(r.kp, partialOf);
  const fullCpu = fastestFull?.full.cpuMs;
  const partialCpu = fastestPartial && partialOf(fastestPartial)!.cpuMs;
  const short = (k: ProgrammerRuns | undefined): string => (k ? `vs ${k.label.replace('kube-proxy ', '')}` : 'no kube-proxy programmer finished');
  const row = (label: string, u: ChildUsage | undefined, base?: number, extra = ''): BenchRow => ({
    label: `${size}: ${label}`,
    figures: !u
      ? { note: `not run: the full sync was stopped at ${LIMIT_S} s of CPU` }
      : {
          wall: `${u.timedOut ? '> ' : ''}${ms(u.wallMs)}`,
          CPU: `${u.timedOut ? '> ' : ''}${ms(u.cpuMs)}`,
          'peak RSS': `${u.maxRssMiB.toFixed(0)} MiB`,
          'CPU vs fastest kube-proxy': base ? `${u.timedOut ? '> ' : ''}${(u.cpuMs / base).toFixed(2)}×` : '',
          note: u.timedOut ? `stopped at the limit of ${LIMIT_S} s of CPU` : extra,
        },
  });
  const med = `median of ${r.sy.changes.length}`;
  const full = { ...r.sy.compile, wallMs: r.sy.compile.wallMs + r.sy.apply.wallMs, cpuMs: r.sy.compile.cpuMs + r.sy.apply.cpuMs, maxRssMiB: Math.max(r.sy.compile.maxRssMiB, r.sy.apply.maxRssMiB) };
  const e2e = median(r.sy.changes.map((x) => x.endToEnd));
  const e2eRun = r.sy.changes.find((x) => x.endToEnd === e2e)!;
  const viaAgent = median(r.sy.agentChanges.map((x) => x.endToEnd));
  const viaAgentRun = r.sy.agentChanges.find((x) => x.endToEnd === viaAgent)!;
  const agentMed = `median of ${r.sy.agentChanges.length}`;
  const rows = [
    row('switchyard compile, from empty', r.sy.compile),
    row('switchyard-node apply, from empty (north-south programs too)', r.sy.apply),
    row('full programming: compile + apply', full, fullCpu, short(fastestFull)),
    row(`switchyard compile, one endpoint replaced (${med})`, median(r.sy.changes.map((x) => x.compile))),
    row(`switchyard-node apply, one endpoint replaced (${med})`, median(r.sy.changes.map((x) => x.apply))),
    row(`one change end to end: spec → compile → apply → connect reaches the new backend (${med})`, e2e, partialCpu, `${short(fastestPartial)}; ${e2eRun.attempts} connects`),
    row(`node agent (switchyard-node run, resident): its CPU to apply one endpoint replaced (${agentMed})`, median(r.sy.agentChanges.map((x) => x.apply)), undefined, 'wall: from the compile\'s end until the agent logged the apply, 250 ms debounce included; peak RSS: the agent\'s since it started'),
    row(`one change end to end via the agent: spec → compile (spawned) → agent applies → connect reaches the new backend (${agentMed})`, viaAgent, partialCpu, `${short(fastestPartial)}; ${viaAgentRun.attempts} connects`),
    ...r.kp.flatMap((k) => [
      row(`${k.label}, full sync`, k.full, fullCpu),
      row(`${k.label}, partial sync of the changed service (median of ${k.partial.length})`, partialOf(k), partialCpu),
    ]),
  ];
  const verdict = (what: string, target: number | undefined, got: number | undefined, vs: ProgrammerRuns | undefined, kind: string): string[] =>
    target === undefined
      ? []
      : got === undefined
        ? [`target ${what} ≤ ${target.toFixed(1)}× the fastest kube-proxy programmer (CPU) at ${size}: no ratio (no kube-proxy programmer finished)`]
        : [`target ${what} ≤ ${target.toFixed(1)}× the fastest kube-proxy programmer (CPU) at ${size}: ${got <= target ? 'met' : 'NOT met'} (${got.toFixed(2)}× ${vs!.label}, ${kind})`];
  const notes = [
    ...verdict('one change end to end', TARGETS.oneChange.get(r.shape.services), partialCpu && e2e.cpuMs / partialCpu, fastestPartial, 'partial sync'),
    ...verdict('one change end to end via the node agent', TARGETS.oneChange.get(r.shape.services), partialCpu && viaAgent.cpuMs / partialCpu, fastestPartial, 'partial sync'),
    ...verdict('full programming', TARGETS.full.get(r.shape.services), fullCpu && full.cpuMs / fullCpu, fastestFull, 'full sync'),
    `${size}: apply's own steps (in-process breakdown), from empty: ${applySteps(r.sy.apply)}; one change: ${applySteps(e2eRun.apply)}`,
  ];
  return { rows, notes };
}

export default async function bench(): Promise<BenchResult> {
  const c = new Cleanups();
  try {
    const results: SizeResult[] = [];
    for (const services of SIZES) results.push(await measureSize(c, { services, endpointsPerService: ENDPOINTS, nodes: NODES }));
    const parts = results.map(rowsFor);
    return {
      title: `network programming, the user's path: services × ${ENDPOINTS} endpoints on ${NODES} nodes (spawned processes; kube-proxy's programmers in the same run)`,
      rows: parts.flatMap((p) => p.rows),
      notes: [
        ...parts.flatMap((p) => p.notes),
        ...(KUBE_PROXY.length ? [`only the kube-proxy programmers matching ${KUBE_PROXY.join(', ')} ran: "fastest" is the fastest of those`] : []),
        "CPU is the child processes' user + system time (wait4's rusage: every thread, every process waited for); wall includes node's start-up, as a user's shell sees it",
        'one change: one endpoint of one ClusterIP service replaced by a new address, the spec rewritten, compiled over the previous output and applied over the previous apply; the connect runs in the node cgroup and must reach a listener that only the new address has',
        "kube-proxy's rules are generated by the bench in the shape its proxiers write (not counted: its own computation, and the ~20 iptables commands that check its jump rules on a full sync); its partial syncs are those of large-cluster mode (stale chains left for a periodic cleanup); each programmer runs in a network namespace of its own",
        `full programming: one run each (from empty output and an empty node); load average when done: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
      ],
    };
  } finally {
    c.run();
  }
}
