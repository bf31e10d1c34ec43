// `switchyard-node run`: the node agent. Applies DIR now and on every change (agent.ts, watch.ts),
// serves /healthz, /readyz, /metrics (http.ts) and the healthCheckNodePorts (applied-health.ts), and
// on SIGTERM or SIGINT stops without detaching anything: the pinned links keep the datapath
// running, so restarting or upgrading the agent drops no connection. `remove` takes a node out.

import { Agent, type AgentOptions } from './agent.ts';
import { AppliedHealth } from './applied-health.ts';
import { serveAgentHttp } from './http.ts';
import { watchArtifactDir } from './watch.ts';

export interface RunOptions extends AgentOptions {
  listen: string;
  /** The safety-net poll (default 10 s) and the debounce (default 250 ms). */
  pollMs?: number;
  debounceMs?: number;
  /** --address for the healthCheckNodePorts. */
  healthAddress?: string;
}

export async function runAgent(o: RunOptions): Promise<void> {
  const health = new AppliedHealth(o.node, o.healthAddress, o.log);
  const agent = new Agent({ ...o, onApplied: (target) => void health.applied(target) });
  const http = await serveAgentHttp(agent, o.listen);
  o.log(`run: node ${o.node}, watching ${o.dir}; /healthz /readyz /metrics on http://${http.address}`);
  agent.check(true);

  const watcher = watchArtifactDir(o.dir, { pollMs: o.pollMs ?? 10_000, debounceMs: o.debounceMs ?? 250 }, (fromEvent) => {
    try {
      agent.check(fromEvent);
    } catch (e) {
      o.log(`error: ${(e as Error).message}`);
    }
  });

  const stop = (signal: string): void => {
    o.log(`run: ${signal}: stopping; the datapath stays attached (switchyard-node remove takes the node out)`);
    watcher.close();
    agent.close();
    http.server.close();
    http.server.closeAllConnections();
    void health.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
