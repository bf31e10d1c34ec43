// Switchyard on the user's path, for the programming bench: spawned `switchyard compile` and
// `switchyard-node apply` processes (dist/, as npm installs them) on a spec with NodePort and
// LoadBalancer services, applied on a node namespace with an eth0 (so the north-south programs
// load and attach too), a cgroup and a bpffs of the bench's own. Each change is a spec edit,
// compiled on top of the previous output, applied on top of the previous apply, and confirmed by
// a connect through the socket LB (a client in the node's cgroup) that reaches the new backend,
// which answers with the address the connection arrived on (socket-lb-connect.c's answer and
// reach modes).

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cgroup2Mount } from '../../runtime/mounts.ts';
import { createNetns, makeBpffs, makeTempDir, type Cleanup, type Netns } from '../helpers/netns.ts';
import { compactSpecYaml, type BenchCluster } from './bench-cluster.ts';
import { addUsage, type ChildUsage, type UsageMeter } from './child-usage.ts';
import { cgroupFor } from './nodeport-setup.ts';

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

/**
 * `versions[0]` compiled and applied from empty, then each next version as a change of one
 * endpoint on node `node`: `newBackends[i]` is the address version i + 1 gives the changed
 * service, `serviceIP` that service's ClusterIP.
 */
export async function runSwitchyard(
  c: Cleanup,
  meter: UsageMeter,
  versions: readonly BenchCluster[],
  change: { node: string; serviceIP: string; newBackends: readonly string[] },
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

  const first = { compile: compile(versions[0]!), apply: apply() };
  const changes = versions.slice(1).map((v, i): ChangeRun => {
    const backend = change.newBackends[i]!;
    ns.run(['ip', 'addr', 'add', `${backend}/32`, 'dev', 'lo']);
    const t0 = performance.now();
    const compiled = compile(v);
    const applied = apply();
    const confirm = meter.run([...ns.enter, 'sh', '-c', `${inCgroup} ${bin} reach ${change.serviceIP} 80 10000`]);
    const wallMs = performance.now() - t0;
    const [reached, attempts] = confirm.stdout.trim().split(' ');
    if (reached !== backend) throw new Error(`change ${i + 1}: a connect to ${change.serviceIP}:80 reached ${reached}, not the new backend ${backend}`);
    return { compile: compiled, apply: applied, confirm, endToEnd: { ...addUsage(compiled, applied, confirm), wallMs }, attempts: Number(attempts) };
  });
  return { ...first, changes };
}
