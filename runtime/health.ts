// `switchyard-node health`: what kube-proxy's health check server does for external load
// balancers. Every service with externalTrafficPolicy: Local has a healthCheckNodePort; a node
// answers it over HTTP with 200 and the number of its local endpoints, or 503 when it has none
// (its datapath drops the service's traffic then), so the load balancer sends traffic only to
// nodes that can serve it. The counts come from the artifacts' review tables (services.txt
// names the ports, backends.txt the ready backends and their nodes), read again on every
// request, so a compile that moves endpoints is seen without a restart.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface HealthService {
  namespace: string;
  name: string;
  /** The service's healthCheckNodePort. */
  port: number;
  /** Ready (not terminating) backend addresses of the service on this node. */
  localEndpoints: number;
}

function readTable(dir: string, file: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch (e) {
    throw new Error(`health: read ${join(dir, file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; pass the generated/<cluster> directory that was applied`);
  }
  return text.split('\n').filter((l) => l && !l.startsWith('#'));
}

/** The health-checked services of `dir` as node `node` sees them. */
export function readHealth(dir: string, node: string): HealthService[] {
  const services: HealthService[] = [];
  for (const line of readTable(dir, 'services.txt')) {
    const m = /^([^/\s]+)\/(\S+) healthCheckNodePort=(\d+)$/.exec(line);
    if (m) services.push({ namespace: m[1]!, name: m[2]!, port: Number(m[3]), localEndpoints: 0 });
  }
  if (services.length === 0) return services;
  const local = new Map<string, Set<string>>();
  for (const line of readTable(dir, 'backends.txt')) {
    // default/lb:http/TCP 10.1.0.1:80 id=1 node=node1 [terminating]
    const [unit, backend, ...flags] = line.split(' ');
    if (!unit || !backend || !flags.includes(`node=${node}`) || flags.includes('terminating')) continue;
    const service = unit.slice(0, unit.indexOf(':'));
    const address = backend.startsWith('[') ? backend.slice(1, backend.indexOf(']')) : backend.slice(0, backend.lastIndexOf(':'));
    (local.get(service) ?? local.set(service, new Set()).get(service)!).add(address);
  }
  for (const s of services) s.localEndpoints = local.get(`${s.namespace}/${s.name}`)?.size ?? 0;
  return services;
}

/** kube-proxy's answer: 200 with local endpoints, 503 without; the same JSON body either way. */
export function healthResponse(s: HealthService): { status: number; body: string } {
  const body = JSON.stringify({ service: { namespace: s.namespace, name: s.name }, localEndpoints: s.localEndpoints, serviceProxyHealthy: true });
  return { status: s.localEndpoints > 0 ? 200 : 503, body: body + '\n' };
}

export interface HealthServers {
  /** One line per port served. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * Serves every healthCheckNodePort of `dir` for `node` on `address` (default: every address).
 * Resolves once all ports listen. `dir` may be a function, read on every request: the agent
 * answers from the revision it applied, not from whatever DIR holds now.
 */
export async function serveHealth(dirOf: string | (() => string), node: string, address?: string): Promise<HealthServers> {
  const current = typeof dirOf === 'string' ? () => dirOf : dirOf;
  const initial = readHealth(current(), node);
  const servers: Server[] = [];
  const lines: string[] = [];
  for (const s of initial) {
    const server = createServer((_req, res) => {
      let answer: { status: number; body: string };
      const dir = current();
      try {
        const now = readHealth(dir, node).find((x) => x.namespace === s.namespace && x.name === s.name);
        answer = now ? healthResponse(now) : { status: 503, body: `service ${s.namespace}/${s.name} is no longer in ${dir}\n` };
      } catch (e) {
        answer = { status: 503, body: `${(e as Error).message}\n` };
      }
      res.writeHead(answer.status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`health: listen on ${address ?? '*'}:${s.port} for ${s.namespace}/${s.name}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
      server.listen({ port: s.port, ...(address ? { host: address } : {}) }, resolve);
    });
    servers.push(server);
    lines.push(`health: ${s.namespace}/${s.name} on port ${s.port}: ${s.localEndpoints} local endpoint(s), answering ${healthResponse(s).status}`);
  }
  return {
    lines,
    close: async () => {
      await Promise.all(servers.map((sv) => new Promise<void>((r) => sv.close(() => r()))));
    },
  };
}
