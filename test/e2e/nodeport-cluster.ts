// The north-south end-to-end harness: the topology of test/helpers/ns-topology.ts, a spec for
// it compiled by the real pipeline, `switchyard-node apply` per node (a separate process in
// the node's namespace, with its devices and a cgroup of the test's), servers in the pods, and
// clients outside the cluster.

import type { ExecutionContext } from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { writeArtifacts } from '../../compiler/emit/write-output.ts';
import { runPipeline } from '../../compiler/pipeline.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup, type TestCgroup } from '../helpers/cgroup.ts';
import { buildTopology, startIn, type PodSpec, type Topology } from '../helpers/ns-topology.ts';
import { runNodeCli, type CliResult } from '../runtime/cli-runner.ts';
import { startServer, writeScripts, type Scripts } from './nodeport-peers.ts';
import { clusterYaml } from './nodeport-spec.ts';

export const SERVER_PORT = 8080;

export interface ClusterOptions {
  hook: 'tc' | 'xdp';
  forwarding: 'snat' | 'dsr';
  pods: PodSpec[];
  /** Prefixes the router sends to a node, by node index (LB pool, ExternalIPs). */
  routes?: Record<string, number>;
  /** The `services:` and `hostPorts:` documents. */
  services: string;
  /** IPv6 too: node, pod and client addresses of both families (ns-topology.ts). */
  ipv6?: boolean;
  /** cluster.datapath.hairpin: remote traffic back out where it came in, no FIB lookup. */
  hairpin?: boolean;
  /** cluster.datapath.algorithm; default random. */
  algorithm?: 'random' | 'maglev';
}

export interface NodeportCluster {
  topo: Topology;
  scripts: Scripts;
  /** generated/<cluster>/ */
  dir: string;
  compile(services: string): void;
  apply(node: number): CliResult;
  nodeCli(node: number, args: string[]): CliResult;
  /** `switchyard-node health` in node `node`'s namespace, until the test ends. */
  health(node: number): Promise<void>;
}

export async function nodeportCluster(t: ExecutionContext, o: ClusterOptions): Promise<NodeportCluster> {
  const work = tempDir(t, 'sy-np-');
  const bpffs = mountBpffs(t);
  const topo = buildTopology(t, { pods: o.pods, routes: o.routes ?? {}, ipv6: !!o.ipv6 });
  if (o.hook === 'xdp') topo.receiveXdp();
  const cgroups: TestCgroup[] = topo.nodes.map(() => createCgroup(t, 'sy-np'));
  const specDir = join(work, 'spec');
  const outRoot = join(work, 'out');
  mkdirSync(specDir);
  writeFileSync(join(specDir, 'cluster.yaml'), clusterYaml(o));
  const compile = (services: string): void => {
    writeFileSync(join(specDir, 'services.yaml'), services);
    const r = runPipeline({ paths: [specDir], outRoot });
    if (!r.ok) throw new Error(`compile failed:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
    writeArtifacts(outRoot, r.ctx.artifacts!);
  };
  compile(o.services);
  const dir = join(outRoot, 'ns');

  const nodeCli = (node: number, args: string[]): CliResult => {
    const n = topo.nodes[node]!;
    return runNodeCli([...args, '--node', n.name, '--bpffs', bpffs, '--state', join(work, 'state')], { netns: n.ns });
  };
  const apply = (node: number): CliResult => {
    const r = nodeCli(node, ['apply', dir, '--cgroup', cgroups[node]!.relative, '--device', topo.nodes[node]!.device]);
    if (r.status !== 0) throw new Error(`apply on node${node + 1} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r;
  };
  t.teardown(() => {
    for (let i = 0; i < topo.nodes.length; i++) nodeCli(i, ['remove']);
  });
  const scripts = writeScripts(t);
  for (const p of topo.pods) await startServer(t, scripts, p.ns, p.name, SERVER_PORT);
  for (let i = 0; i < topo.nodes.length; i++) apply(i);
  const main = join(process.cwd(), 'runtime', 'cli', 'main.ts');
  return {
    topo,
    scripts,
    dir,
    compile,
    apply,
    nodeCli,
    health: async (node) => {
      const n = topo.nodes[node]!;
      await startIn(t, n.ns, [process.execPath, '--import', 'tsx', main, 'health', dir, '--node', n.name]);
    },
  };
}
