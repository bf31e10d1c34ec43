// The agent's HTTP endpoints on --listen: /healthz (the process answers), /readyz (the last
// apply succeeded and its links are attached; the body says why not) and /metrics (Prometheus
// text exposition). Plain node:http: a scrape is one request, and nothing here needs more.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from './agent.ts';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.ts';
import { nodeFamilies } from './node-metrics.ts';

export const DEFAULT_LISTEN = '127.0.0.1:9464';

/** `ADDR:PORT`, `[v6]:PORT` or `:PORT` (every address). */
export function parseListen(s: string): { host?: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`--listen ${s}: not ADDR:PORT (e.g. ${DEFAULT_LISTEN}, [::1]:9464 or :9464)`);
  const host = m[1] ?? m[2];
  return { ...(host ? { host } : {}), port };
}

export async function serveAgentHttp(agent: Agent, listen: string): Promise<{ server: Server; address: string }> {
  const { host, port } = parseListen(listen);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (path === '/healthz') return send(200, 'text/plain; charset=utf-8', 'ok\n');
      if (path === '/readyz') {
        const r = agent.readiness();
        return send(r.ready ? 200 : 503, 'text/plain; charset=utf-8', `${r.ready ? 'ready' : 'not ready'}\n${r.detail.map((d) => `${d}\n`).join('')}`);
      }
      if (path === '/metrics') return send(200, EXPOSITION_CONTENT_TYPE, renderExposition(nodeFamilies(agent)));
      return send(404, 'text/plain; charset=utf-8', 'not found: /healthz, /readyz, /metrics\n');
    } catch (e) {
      return send(500, 'text/plain; charset=utf-8', `${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`run: listen on ${listen}: ${(e as NodeJS.ErrnoException).code ?? e.message}; pass a free --listen ADDR:PORT`)));
    server.listen({ port, ...(host ? { host } : {}) }, resolve);
  });
  const a = server.address() as AddressInfo;
  return { server, address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}` };
}
