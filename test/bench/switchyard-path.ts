// Switchyard on the user's path, for the programming bench: spawned `switchyard compile` and
// `switchyard-node apply` processes (dist/, as npm installs them) on a spec with NodePort and
// LoadBalancer services, applied on a node namespace with an eth0 (so the north-south programs
// load and attach too), a cgroup and a bpffs of the bench's own. Each change is a spec edit,
// compiled on top of the previous output, applied on top of the previous apply, and confirmed by
// a connect through the socket LB (a client in the node's cgroup) that reaches the new backend,
// which answers with the address the connection arrived on (socket-lb-connect.c's answer and
// reach modes). The same changes then go through the resident path a fleet runs: the node agent
// (`switchyard-node run`, started once) applies each revision the spawned compile writes, with no
// process start; its CPU is the agent's own, read from /proc before and after the revision.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cgroup2Mount } from '../../runtime/mounts.ts';
import { createNetns, makeBpffs, makeTempDir, type Cleanup, type Netns } from '../helpers/netns.ts';
import { compactSpecYaml, type BenchCluster } from './bench-cluster.ts';
import { addUsage, type ChildUsage, type UsageMeter } from './child-usage.ts';
import { cgroupFor } from './nodeport-setup.ts';
import { startAgent, type AgentProcess } from '../runtime/agent-process.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist');
const BACKEND_PORT = 8080;

export interface ChangeRun {
  compile: ChildUsage;
  apply: ChildUsage;
  /** The connect that proves the change is served. */
  confirm: ChildUsage;
  /** From the spec edit until the connect reached the new backend. */
  endToEnd: ChildUsage;
  /** How many connects it took (the service's other backends are unroutable here). */
  attempts: number;
}

export interface SwitchyardRuns {
  compile: ChildUsage;
  apply: ChildUsage;
  changes: ChangeRun[];
  /** The same kind of change applied by the running node agent: `apply` is the agent's CPU for it. */
  agentChanges: ChangeRun[];
}

/** apply --verbose's own step timings, "artifacts-checked 57.1 ms, …" (an in-process breakdown). */
export function applySteps(u: ChildUsage): string {
  return /timings: (.*)/.exec(u.stdout)?.[1] ?? '?';
}

function startBackend(c: Cleanup, ns: Netns, bin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(ns.enter[0]!, [...ns.enter.slice(1), bin, 'answer', String(BACKEND_PORT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.teardown(() => p.kill('SIGKILL'));
    p.stdout.once('data', () => resolve());
    p.on('exit', (code) => reject(new Error(`socket-lb-connect answer exited ${code}`)));
  });
}

/** CPU time (ms) a process and all its threads have used so far: the sum of their schedstats (ns). */
function processCpuMs(pid: number): number {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** The peak resident set of a running process so far (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** Waits until the agent says it applied `generation`; throws on a failed apply or after 60 s. */
async function appliedByAgent(agent: AgentProcess, generation: number): Promise<void> {
  const done = new RegExp(`(applied|already up to date:) .*generation ${generation}\\)`);
  for (let i = 0; i < 600; i++) {
    const out = agent.output();
    if (done.test(out)) return;
    if (out.includes('apply failed')) throw new Error(`the agent failed to apply generation ${generation}:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the agent never applied generation ${generation}:\n${agent.output()}`);
}

/**
 * `versions[0]` compiled and applied from empty, then each next version as a change of one
 * endpoint on node `node`: `newBackends[i]` is the address version i + 1 gives the changed
 * service, `serviceIP` that service's ClusterIP. The first `spawnedChanges` versions after the
 * first are applied by spawned `apply`s, the rest by the node agent.
 */
export async function runSwitchyard(
  c: Cleanup,
  meter: UsageMeter,
  versions: readonly BenchCluster[],
  change: { node: string; serviceIP: string; newBackends: readonly string[]; spawnedChanges: number },
): Promise<SwitchyardRuns> {
  const work = makeTempDir(c, 'sy-bench-prog-');
  const bin = join(work, 'socket-lb-connect');
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', bin, join(here, 'socket-lb-connect.c')]);
  const ns = createNetns(c, 'sy-prog');
  ns.run(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p']);
  ns.run(['ip', 'link', 'set', 'eth0', 'up']);
  ns.run(['ip', 'link', 'set', 'eth0p', 'up']);
  const node = versions[0]!.nodes.find((n) => n.name === change.node)!;
  ns.run(['ip', 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
  await startBackend(c, ns, bin);
  const cgroup = cgroupFor(c, 'sy-prog');
  const fs = makeBpffs(c, 'sy-npb-bpffs-');
  const spec = join(work, 'spec');
  mkdirSync(spec);
  const out = join(work, 'out');
  const nodeArgs = ['--node', change.node, '--bpffs', fs, '--state', join(work, 'state')];
  c.teardown(() => meter.run([...ns.enter, process.execPath, join(dist, 'switchyard-node.js'), 'remove', ...nodeArgs], { allowFailure: true }));

  const compile = (v: BenchCluster): ChildUsage => {
    writeFileSync(join(spec, 'cluster.yaml'), compactSpecYaml(v));
    return meter.run([process.execPath, join(dist, 'switchyard.js'), 'compile', spec, '-o', out]);
  };
  const apply = (): ChildUsage =>
    meter.run([...ns.enter, process.execPath, join(dist, 'switchyard-node.js'), 'apply', join(out, 'bench'), ...nodeArgs, '--device', 'eth0', '--cgroup', cgroup, '--verbose']);
  const inCgroup = `echo $$ > ${join(cgroup2Mount(), cgroup, 'cgroup.procs')} && exec`;

  const confirmed = (i: number, t0: number, compiled: ChildUsage, applied: ChildUsage): ChangeRun => {
    const backend = change.newBackends[i]!;
    const confirm = meter.run([...ns.enter, 'sh', '-c', `${inCgroup} ${bin} reach ${change.serviceIP} 80 10000`]);
    const wallMs = performance.now() - t0;
    const [reached, attempts] = confirm.stdout.trim().split(' ');
    if (reached !== backend) throw new Error(`change ${i + 1}: a connect to ${change.serviceIP}:80 reached ${reached}, not the new backend ${backend}`);
    return { compile: compiled, apply: applied, confirm, endToEnd: { ...addUsage(compiled, applied, confirm), wallMs }, attempts: Number(attempts) };
  };
  const addBackend = (i: number): void => void ns.run(['ip', 'addr', 'add', `${change.newBackends[i]!}/32`, 'dev', 'lo']);

  const first = { compile: compile(versions[0]!), apply: apply() };
  const changes = versions.slice(1, 1 + change.spawnedChanges).map((v, i): ChangeRun => {
    addBackend(i);
    const t0 = performance.now();
    const compiled = compile(v);
    return confirmed(i, t0, compiled, apply());
  });

  // The resident path: the agent takes over the node the spawned applies programmed (the same
  // bpffs and journal), and each revision the compile writes is applied by it, no process started.
  const agent = await startAgent(c, [join(out, 'bench'), ...nodeArgs, '--device', 'eth0', '--cgroup', cgroup], {
    netns: ns,
    bundle: true,
    relaySocket: join(work, 'agent.sock'),
  });
  await appliedByAgent(agent, generationOf(join(out, 'bench')));
  const agentChanges: ChangeRun[] = [];
  for (let i = 1 + change.spawnedChanges; i < versions.length; i++) {
    addBackend(i - 1);
    const t0 = performance.now();
    const cpu0 = processCpuMs(agent.child.pid!);
    const compiled = compile(versions[i]!);
    await appliedByAgent(agent, generationOf(join(out, 'bench')));
    const cpuMs = processCpuMs(agent.child.pid!) - cpu0;
    const applied: ChildUsage = { wallMs: performance.now() - t0 - compiled.wallMs, cpuMs, maxRssMiB: peakRssMiB(agent.child.pid!), stdout: '', stderr: '' };
    agentChanges.push(confirmed(i - 1, t0, compiled, applied));
  }
  agent.child.kill('SIGTERM');
  await agent.exited;
  return { ...first, changes, agentChanges };
}

function generationOf(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { generation: number }).generation;
}
