// The socket LB's end-to-end harness: the talk's topology (test/helpers/topology.ts), a spec
// for it compiled by the real pipeline into generated-style output, backend servers in the pod
// namespaces, `switchyard-node apply` per node (a separate process inside the node's namespace),
// and clients run inside a node's cgroup, from the node's namespace or a pod's.

import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { writeArtifacts } from '../../compiler/emit/write-output.ts';
import { runPipeline } from '../../compiler/pipeline.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { buildTopology, talkClusterYaml, type Topology } from '../helpers/topology.ts';
import { runNodeCli, type CliResult } from '../runtime/cli-runner.ts';
import { clientArgv, startBackends } from './pod-servers.ts';

/**
 * The cluster and nodes of the talk's topology as spec YAML; services are the test's. By default
 * the nodes list no devices, so the object is the socket LB's alone; with devices [eth0] it is
 * the whole datapath a node runs (the north-south programs on the node link too).
 */
export const clusterYaml = talkClusterYaml;

export interface SocketCluster {
  topo: Topology;
  /** generated/<cluster>/ of the last compile. */
  dir: string;
  /** Compiles `servicesYaml` (the `services:`/`hostPorts:` documents), and a new cluster document if given, into the same output root. */
  compile(servicesYaml: string, clusterSpec?: string): void;
  /** switchyard-node apply on one node; fails the test on a non-zero exit. */
  apply(node: string): CliResult;
  applyAll(): void;
  /** switchyard-node with any arguments, in the node's namespace, with this cluster's bpffs and state. */
  nodeCli(node: string, args: string[]): CliResult;
  /** Runs socket-client.mjs inside `node`'s cgroup, in the node's namespace or in pod `from`'s. */
  client<T>(node: string, cmd: object, from?: string): T;
  /** Stops a pod's backend server, as a terminated pod's would stop. */
  stopBackend(pod: string): void;
  /** The same, without waiting: resolves with the result when the client exits. */
  clientAsync<T>(node: string, cmd: object, from?: string): Promise<T>;
}

/**
 * The topology with backends running, and `name`'s output compiled from the given spec; or, with
 * `prebuilt`, an existing generated/<cluster> directory (the demo) applied as it is.
 */
export async function socketCluster(t: ExecutionContext, name: string, clusterSpec: string, servicesYaml: string, prebuilt?: string): Promise<SocketCluster> {
  const work = tempDir(t, 'sy-socklb-');
  const bpffs = mountBpffs(t);
  const topo = buildTopology(t);
  const specDir = join(work, 'spec');
  const outRoot = join(work, 'out');
  mkdirSync(specDir);
  writeFileSync(join(specDir, 'cluster.yaml'), clusterSpec);

  const compile = (services: string, cluster?: string): void => {
    if (cluster !== undefined) writeFileSync(join(specDir, 'cluster.yaml'), cluster);
    writeFileSync(join(specDir, 'services.yaml'), services);
    const r = runPipeline({ paths: [specDir], outRoot });
    if (!r.ok) throw new Error(`compile failed:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
    writeArtifacts(outRoot, r.ctx.artifacts!);
  };
  if (!prebuilt) compile(servicesYaml);
  const dir = prebuilt ?? join(outRoot, name);

  const nodeCli = (node: string, args: string[]): CliResult => {
    const n = topo.node(node);
    return runNodeCli([...args, '--node', node, '--bpffs', bpffs, '--state', join(work, 'state')], { netns: n.ns });
  };
  const apply = (node: string): CliResult => {
    const n = topo.node(node);
    const r = nodeCli(node, ['apply', dir, '--cgroup', n.cgroup.relative, '--device', n.device]);
    if (r.status !== 0) throw new Error(`apply on ${node} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r;
  };
  t.teardown(() => {
    for (const n of topo.nodes) nodeCli(n.name, ['remove']);
  });

  const servers = await startBackends(t, topo);
  const argv = (node: string, cmd: object, from?: string): string[] => clientArgv(topo.node(node), from ? topo.pod(from).ns : topo.node(node).ns, cmd);
  return {
    topo,
    dir,
    compile,
    apply,
    applyAll: () => topo.nodes.forEach((n) => apply(n.name)),
    stopBackend: (pod) => void servers.get(pod)?.kill('SIGKILL'),
    nodeCli,
    client: <T>(node: string, cmd: object, from?: string): T => {
      const a = argv(node, cmd, from);
      const r = spawnSync(a[0]!, a.slice(1), { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`client ${JSON.stringify(cmd)} on ${node}: exit ${r.status}: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
    },
    clientAsync: <T>(node: string, cmd: object, from?: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const a = argv(node, cmd, from);
        const p = spawn(a[0]!, a.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`client ${JSON.stringify(cmd)}: exit ${code}: ${err}`))));
      }),
  };
}

/** Counts of each value. */
export function tally(values: Iterable<string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v ?? '(none)'] = (out[v ?? '(none)'] ?? 0) + 1;
  return out;
}

export interface TcpResult {
  backend?: string;
  serverSaw?: string;
  peer?: string;
  error?: string;
  ms: number;
}

export interface UdpResult {
  backend?: string;
  from?: string;
  error?: string;
}
