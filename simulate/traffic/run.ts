// A flow sample (sample.ts) run through one side of a diff: each flow's outcome, reduced to what
// the report compares — the backend it reached, or how it failed. Flows run in order through one
// simulated cluster, the random generator restarted per flow (TraceCluster.reseed) so both sides
// pick alike wherever their tables agree.

import { parseAddress } from '../network.ts';
import { formatPacket } from '../packet/syntax.ts';
import { TraceCluster } from '../trace/cluster.ts';
import { Walker } from '../trace/walk.ts';
import type { FlowPlan } from './sample.ts';

/** `backend ADDR:PORT`, `drop`, `refused` (a socket connect, or a packet answered with ICMP destination unreachable), `host` (nobody translated it: the node's stack answers), `routed out`, `lost`. */
export type FlowOutcome = string;

export const isBackend = (o: FlowOutcome): boolean => o.startsWith('backend ');

export async function runSample(dir: string, plans: readonly FlowPlan[], seed: number): Promise<FlowOutcome[][]> {
  const cluster = TraceCluster.open(dir, seed, false);
  const walker = new Walker(cluster, new Map(), { reply: false, lines: false });
  for (const name of cluster.nodes.keys()) await cluster.sim(name);
  const out: FlowOutcome[][] = [];
  for (const plan of plans) {
    const outcomes: FlowOutcome[] = [];
    if (!cluster.nodes.has(plan.node)) {
      out.push(plan.flows.map(() => 'no such node'));
      continue;
    }
    for (const [i, flow] of plan.flows.entries()) {
      cluster.reseed(seed + i);
      if (plan.via === 'connect') {
        const sim = await cluster.sim(plan.node);
        const r = sim.connect({ family: flow.family, proto: flow.proto === 'udp' ? 'udp' : 'tcp', dst: flow.dst, port: flow.dport, cookie: i + 1 });
        const moved = parseAddress(r.dst).join('.') !== parseAddress(flow.dst).join('.') || r.port !== flow.dport;
        outcomes.push(r.verdict === 'refuse' ? 'refused' : moved ? `backend ${flow.family === 6 ? `[${r.dst}]` : r.dst}:${r.port}` : 'host');
        continue;
      }
      const t = await walker.fromClient(plan.node, flow, formatPacket(flow));
      const o = t.outcome;
      const p = o.packet;
      outcomes.push(o.to === 'pod' && p ? `backend ${p.family === 6 ? `[${p.dst}]` : p.dst}:${p.dport}` : o.to === 'client' ? (o.unreachable !== undefined ? 'refused' : 'routed out') : o.to);
    }
    out.push(outcomes);
  }
  return out;
}
