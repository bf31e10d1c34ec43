// `switchyard-node health`: what kube-proxy's health check server does for external load
// balancers. Every service with externalTrafficPolicy: Local has a healthCheckNodePort; a node
// answers it over HTTP with 200 and the number of its local endpoints, or 503 when it has none
// (its datapath drops the service's traffic then), so the load balancer sends traffic only to
// nodes that can serve it. The counts come from the artifacts' review tables (services.txt
// names the ports, backends.txt the ready backends and their nodes). The `health` command reads
// them again on every request, so a compile that moves endpoints is seen without a restart; the
// agent answers from the revision it applied (agent/applied-health.ts).

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

export type HealthAnswer = { status: number; body: string };

/**
 * The listeners of a set of healthCheckNodePorts on `address` (default: every address), each
 * answering what `answer(port)` says at the time of the request. `update` makes the set follow a
 * new list: the agent opens the ports of services added by a revision and closes those of
 * services it removed, while the ports that stay keep their listeners (a load balancer probing
 * them sees no gap).
 */
export class HealthPorts {
  private readonly servers = new Map<number, Server>();
  /** Updates run one after another: a revision applied during a slow listen waits its turn. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly answer: (port: number) => HealthAnswer,
    private readonly address?: string,
  ) {}

  /** The ports listening now. */
  get ports(): number[] {
    return [...this.servers.keys()].sort((a, b) => a - b);
  }

  /**
   * Listens on exactly the ports of `services`. Resolves with a line per port opened or closed
   * and the errors of ports that could not listen (tried again by the next update).
   */
  update(services: HealthService[]): Promise<{ lines: string[]; errors: string[] }> {
    const next = this.queue.then(() => this.reconcile(services));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reconcile(services: HealthService[]): Promise<{ lines: string[]; errors: string[] }> {
    const lines: string[] = [];
    const errors: string[] = [];
    const wanted = new Map(services.map((s) => [s.port, s]));
    for (const [port, server] of this.servers) {
      if (wanted.has(port)) continue;
      this.servers.delete(port);
      await closeServer(server);
      lines.push(`health: port ${port} closed: no service has it any more`);
    }
    for (const s of services) {
      if (this.servers.has(s.port)) continue;
      const server = createServer((_req, res) => {
        let a: HealthAnswer;
        try {
          a = this.answer(s.port);
        } catch (e) {
          a = { status: 503, body: `${(e as Error).message}\n` };
        }
        res.writeHead(a.status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
        res.end(a.body);
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', (e) => reject(new Error(`health: listen on ${this.address ?? '*'}:${s.port} for ${s.namespace}/${s.name}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
          server.listen({ port: s.port, ...(this.address ? { host: this.address } : {}) }, resolve);
        });
      } catch (e) {
        errors.push((e as Error).message);
        continue;
      }
      this.servers.set(s.port, server);
      lines.push(`health: ${s.namespace}/${s.name} on port ${s.port}: ${s.localEndpoints} local endpoint(s), answering ${healthResponse(s).status}`);
    }
    return { lines, errors };
  }

  close(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    return Promise.all(all.map(closeServer)).then(() => undefined);
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The answer for `port` from the services `dir` has now: 503 when none has the port any more. */
export function answerFromDir(dir: string, node: string, port: number): HealthAnswer {
  const now = readHealth(dir, node).find((x) => x.port === port);
  return now ? healthResponse(now) : { status: 503, body: `no service has healthCheckNodePort ${port} in ${dir} any more\n` };
}

export interface HealthServers {
  /** One line per port served. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * `switchyard-node health`: serves every healthCheckNodePort of `dir` for `node`, answering from
 * `dir` as it is at each request (a compile that moves endpoints is seen without a restart).
 * Resolves once all ports listen; rejects, with every port closed, when one cannot.
 */
export async function serveHealth(dir: string, node: string, address?: string): Promise<HealthServers> {
  const ports = new HealthPorts((port) => answerFromDir(dir, node, port), address);
  const { lines, errors } = await ports.update(readHealth(dir, node));
  if (errors.length) {
    await ports.close();
    throw new Error(errors.join('\n'));
  }
  return { lines, close: () => ports.close() };
}
