// The node agent on a live node, for the tests and the soak bench (free of ava): the talk's two
// nodes with more pods, a backend server in every pod, revisions compiled by the real pipeline
// one after another (so each has the next generation) into directories of their own, published
// by renaming a new symlink over DIR as git-sync does, and clients connecting again and again:
// to the ClusterIP from node1's cgroup (the socket LB), and to node1's NodePort from node2's
// namespace (tc on node1's eth0; SNAT to backends on node2). The agent itself runs in node1's
// namespace (agent-process.ts's startAgent with these `agentArgs`).
//
// Every revision keeps the backends of KEPT and has a different subset of CHANGING, so each swap
// adds or removes backends while the kept ones serve throughout. The servers of removed backends
// keep running (a pod that left the service is not necessarily gone), so no connect has a
// reason to fail: any failure is the update's.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { makeBpffs, makeTempDir } from '../helpers/netns.ts';
import { buildTopology, talkClusterYaml, type NodeShape, type Teardown, type Topology } from '../helpers/topology.ts';
import { publish, Revisions } from '../runtime/agent-revisions.ts';
import { runNodeCli, type CliResult } from '../runtime/cli-runner.ts';
import { clientArgv, startBackends } from './pod-servers.ts';

const CLUSTER = 'live';
export const VIP = '10.5.0.1';
export const NODE_PORT = 30080;

/** node1: pod1..pod4 (10.1.0.1-4); node2: pod5 and pod6 (10.2.0.1-2). */
const SHAPE: readonly NodeShape[] = [
  { name: 'node1', v4: '10.0.0.1', v6: 'fd00:10::1', podCidr4: '10.1.0.0/24', podCidr6: 'fd00:10:1::/64', pods: [1, 2, 3, 4].map((i) => ({ name: `pod${i}`, v4: `10.1.0.${i}`, v6: `fd00:10:1::${i}` })) },
  { name: 'node2', v4: '10.0.0.2', v6: 'fd00:10::2', podCidr4: '10.2.0.0/24', podCidr6: 'fd00:10:2::/64', pods: [5, 6].map((i) => ({ name: `pod${i}`, v4: `10.2.0.${i - 4}`, v6: `fd00:10:2::${i - 4}` })) },
];

/** In every revision: one backend on each node. */
export const KEPT = ['pod1', 'pod5'];
/** In some revisions: revision n has those whose bit is set in 1 + (n - 1) mod 15 (never none, never the same twice in a row). */
export const CHANGING = ['pod2', 'pod3', 'pod4', 'pod6'];

function podsOf(revision: number): string[] {
  const bits = 1 + ((revision - 1) % 15);
  return [...KEPT, ...CHANGING.filter((_, k) => bits & (1 << k))];
}

function servicesYaml(pods: string[]): string {
  const lines = pods.map((p) => SHAPE.flatMap((n) => n.pods.map((q) => ({ ...q, node: n.name }))).find((q) => q.name === p)!).map((q) => `      - { address: ${q.v4}, node: ${q.node} }`);
  return `services:
  - name: web
    type: NodePort
    clusterIPs: [${VIP}]
    ports: [{ name: http, port: 80, nodePort: ${NODE_PORT} }]
    backends:
${lines.join('\n')}
`;
}

export interface LoopResult {
  connects: number;
  backends: Record<string, number>;
  errors: Record<string, number>;
  /** Connects that took 1 s or more (a SYN retransmitted), and the longest. */
  slow: number;
  maxMs: number;
}

export interface Load {
  /** Ends the client's loop; resolves with what it counted. */
  stop(): Promise<LoopResult>;
}

export interface LiveNode {
  topo: Topology;
  work: string;
  /** node1's bpffs, where apply and the agent pin the maps. */
  bpffs: string;
  /** DIR: the symlink the agent follows. */
  dir: string;
  /** `switchyard-node run`'s arguments for node1 (DIR first); --listen is startAgent's. */
  agentArgs: string[];
  /** switchyard-node in node1's namespace with the agent's bpffs and state. */
  cli(args: string[]): CliResult;
  /** Compiles the next revision, n (generation n), into a directory of its own; returns it. */
  compile(): string;
  /** Points DIR at `target` atomically: a new symlink renamed over the old, as git-sync does. */
  publish(target: string): void;
  /**
   * A client connecting in a loop, one connection at a time, until stopped (resolves once it
   * runs): to the ClusterIP
   * from node1's cgroup, or to node1's NodePort from node2 (whose cgroup has no programs).
   */
  startLoad(via?: 'clusterip' | 'nodeport'): Promise<Load>;
}

export async function liveNode(t: Teardown): Promise<LiveNode> {
  const work = makeTempDir(t, 'sy-live-');
  const bpffs = makeBpffs(t, 'sy-live-bpffs-');
  const topo = buildTopology(t, SHAPE);
  const node1 = topo.node('node1');
  const revisions = new Revisions(work, talkClusterYaml(CLUSTER, '', ['eth0']), CLUSTER);
  let n = 0;
  const common = ['--node', 'node1', '--bpffs', bpffs, '--state', join(work, 'state')];
  const cli = (args: string[]) => runNodeCli([...args, ...common], { netns: node1.ns });
  t.teardown(() => void cli(['remove']));
  await startBackends(t, topo);
  const dir = join(work, 'live');
  return {
    topo,
    work,
    bpffs,
    dir,
    agentArgs: [dir, ...common, '--cgroup', node1.cgroup.relative, '--device', node1.device],
    cli,
    compile: () => revisions.next(servicesYaml(podsOf(++n))),
    publish: (target) => publish(dir, target),
    startLoad(via = 'clusterip') {
      const node2 = topo.node('node2');
      const argv = via === 'clusterip' ? clientArgv(node1, node1.ns, { op: 'loop', host: VIP, port: 80 }) : clientArgv(node2, node2.ns, { op: 'loop', host: node1.v4, port: NODE_PORT });
      const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      t.teardown(() => void p.kill('SIGKILL'));
      let out = '';
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      const done = new Promise<LoopResult>((resolve, reject) =>
        p.on('close', (code, signal) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoopResult) : reject(new Error(`client loop (${via}): exit ${code ?? signal}: ${err}`)))),
      );
      done.catch(() => undefined); // reported by stop(); a test that failed earlier never calls it
      return new Promise<Load>((resolve, reject) => {
        p.stdout.on('data', (d) => {
          out += d;
          if (out.startsWith('looping\n')) resolve({ stop: () => (p.kill('SIGTERM'), done) });
        });
        done.catch(reject);
      });
    },
  };
}
