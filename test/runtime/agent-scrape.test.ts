// The agent's /metrics as Prometheus itself reads it: promtool's lint (names, units, suffixes)
// passes, and a real Prometheus scrapes the agent and answers a query with what is applied.

import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { eventually, startAgent } from './agent-process.ts';
import { runNodeCli } from './cli-runner.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';

/** A port free right now on 127.0.0.1 (Prometheus takes no port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startPrometheus(t: ExecutionContext, work: string, target: string): Promise<string> {
  const config = join(work, 'prometheus.yml');
  writeFileSync(config, `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: switchyard\n    static_configs: [{ targets: ['${target}'] }]\n`);
  const port = await freePort();
  const p = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  t.teardown(() => void p.kill('SIGKILL'));
  return `http://127.0.0.1:${port}`;
}

kernelTest(
  'run: /metrics passes promtool and is scraped by Prometheus',
  async (t) => {
    const bpffs = mountBpffs(t);
    const work = tempDir(t, 'sy-scrape-');
    const cg = createCgroup(t, 'sy-scrape');
    const common = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
    t.teardown(() => void runNodeCli(['remove', ...common]));
    const dir = join(work, 'gen');
    socklbArtifacts(dir, 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8000 }], { sockOnly: true });
    const agent = await startAgent(t, [dir, ...common, '--cgroup', cg.relative]);
    await eventually(agent, 'applied', async () => ((await agent.get('/readyz')).status === 200 ? true : undefined));

    const body = (await agent.get('/metrics')).body;
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    t.is(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);

    const prom = await startPrometheus(t, work, agent.url.replace('http://', ''));
    const result = await eventually(agent, 'a Prometheus query answered from a scrape', async () => {
      try {
        const r = (await (await fetch(`${prom}/api/v1/query?query=switchyard_applied_info`)).json()) as { data?: { result?: Array<{ metric: Record<string, string> }> } };
        return r.data?.result?.length ? r.data.result : undefined;
      } catch {
        return undefined; // not listening yet
      }
    });
    t.is(result[0]!.metric.node, 'n1');
    t.is(result[0]!.metric.manifest?.length, 64);
  },
  ['prometheus', 'promtool'],
);
