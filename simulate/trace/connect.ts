// `--connect 10.5.0.1:8080/tcp`: a socket connect() on a node through its cgroup connect hook,
// the socket-LB half of the datapath (ClusterIP translated before a packet exists).

import { readEndpoint } from '../packet/syntax.ts';
import type { TraceCluster } from './cluster.ts';
import { decodeMapOp, type DecodedMapOp, type MapLayouts } from './map-layouts.ts';
import { executedLines, type SourceLine } from './source-lines.ts';

export interface ConnectTrace {
  input: string;
  node: string;
  program: string;
  verdict: 'allow' | 'refuse';
  /** An errno the hook set for connect() (ECONNREFUSED when a service has no backend). */
  retval: number;
  before: string;
  after: string;
  mapOps: DecodedMapOp[];
  lines: SourceLine[];
}

export class ConnectSyntaxError extends Error {
  constructor(text: string, why: string) {
    super(`--connect ${text}: ${why}; write it like 10.5.0.1:8080/tcp or [fd00:10:5::1]:8080/udp`);
    this.name = 'ConnectSyntaxError';
  }
}

export async function traceConnect(cluster: TraceCluster, layouts: MapLayouts, node: string, text: string): Promise<ConnectTrace> {
  const m = /^(.*)\/(tcp|udp)$/i.exec(text.trim());
  if (!m) throw new ConnectSyntaxError(text, 'it does not end in /tcp or /udp');
  let ep;
  try {
    ep = readEndpoint(m[1]!);
  } catch (e) {
    throw new ConnectSyntaxError(text, (e as Error).message);
  }
  const sim = await cluster.sim(node);
  const proto = m[2]!.toLowerCase() as 'tcp' | 'udp';
  const r = sim.connect({ family: ep.family, proto, dst: ep.address, port: ep.port });
  const show = (a: string, p: number) => (ep.family === 6 ? `[${a}]:${p}` : `${a}:${p}`);
  return {
    input: text,
    node,
    program: r.program,
    verdict: r.verdict,
    retval: r.retval > 0x7fffffff ? r.retval - 0x100000000 : r.retval,
    before: show(ep.address, ep.port),
    after: show(r.dst, r.port),
    mapOps: r.mapOps.map((op) => decodeMapOp(layouts, op)),
    lines: executedLines(sim.program(r.program).linked, r.pcs),
  };
}
