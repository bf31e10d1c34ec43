// The agent's healthCheckNodePorts follow the applied revision: a port that a later revision
// adds is served without a restart, one it removes is closed, the ports that stay keep answering;
// and after the applied revision's directory is deleted (git-sync removes the old worktree once
// the next is published) and the next revision is refused, they still answer from what is applied.

import type { ExecutionContext } from 'ava';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { talkClusterYaml } from '../helpers/topology.ts';
import { eventually, parseExposition, sampleValue, startAgent, type AgentProcess } from './agent-process.ts';
import { freeNodePort, publish, Revisions } from './agent-revisions.ts';
import { runNodeCli } from './cli-runner.ts';

/** An externalTrafficPolicy: Local service with one backend on node1, health-checked on `port`. */
const local = (name: string, ip: string, port: number) => `
  - name: ${name}
    type: LoadBalancer
    loadBalancerIPs: [${ip}]
    externalTrafficPolicy: Local
    healthCheckNodePort: ${port}
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.1.0.1, node: node1 }`;

/** What the port answers now: the HTTP status and local endpoints, or the connect error. */
async function probe(port: number): Promise<{ status: number; localEndpoints?: number } | { error: string }> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    const body = (await r.json()) as { localEndpoints: number };
    return { status: r.status, localEndpoints: body.localEndpoints };
  } catch (e) {
    return { error: ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (e as Error).message };
  }
}

async function generation(agent: AgentProcess, n: number): Promise<void> {
  await eventually(agent, `generation ${n} applied`, async () =>
    sampleValue(parseExposition((await agent.get('/metrics')).body), 'switchyard_applied_generation') === n ? true : undefined,
  );
}

kernelTest('run: healthCheckNodePorts added by a revision are served, removed ones closed, without a restart', async (t: ExecutionContext) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t, 'sy-agent-health-');
  const cg = createCgroup(t, 'sy-agent-health');
  const [pa, pb] = [await freeNodePort(), await freeNodePort()];
  t.not(pa, pb);
  const revisions = new Revisions(work, talkClusterYaml('health'), 'health');
  const rev1 = revisions.next(`services:${local('a', '10.3.0.1', pa)}\n`);
  const rev2 = revisions.next(`services:${local('a', '10.3.0.1', pa)}${local('b', '10.3.0.2', pb)}\n`);
  const rev3 = revisions.next(`services:${local('b', '10.3.0.2', pb)}\n`);
  const rev4 = revisions.next(`services:${local('b', '10.3.0.2', pb)}${local('a', '10.3.0.1', pa)}\n`);
  // Revision 4 with one map file changed: refused.
  const tampered = join(work, '..rev4-tampered');
  cpSync(rev4, tampered, { recursive: true });
  const backends = join(tampered, 'maps', 'lb4_backends.bin');
  const bytes = readFileSync(backends);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(backends, bytes);

  const live = join(work, 'live');
  publish(live, rev1);
  const common = ['--node', 'node1', '--bpffs', bpffs, '--state', join(work, 'state')];
  t.teardown(() => void runNodeCli(['remove', ...common]));
  const agent = await startAgent(t, [live, ...common, '--cgroup', cg.relative, '--address', '127.0.0.1']);
  await generation(agent, 1);
  const served = (port: number) => eventually(agent, `port ${port} served`, async () => ('status' in (await probe(port)) ? true : undefined));
  const closed = (port: number) => eventually(agent, `port ${port} closed`, async () => ((await probe(port)) as { error?: string }).error === 'ECONNREFUSED' ? true : undefined);
  await served(pa);
  t.deepEqual(await probe(pa), { status: 200, localEndpoints: 1 });
  t.deepEqual(await probe(pb), { error: 'ECONNREFUSED' }, 'b is not a service yet');

  publish(live, rev2);
  await generation(agent, 2);
  await served(pb);
  t.deepEqual(await probe(pb), { status: 200, localEndpoints: 1 }, 'the port of the added service answers without a restart');
  t.deepEqual(await probe(pa), { status: 200, localEndpoints: 1 });

  publish(live, rev3);
  await generation(agent, 3);
  await closed(pa);
  t.deepEqual(await probe(pb), { status: 200, localEndpoints: 1 }, 'the port that stays keeps answering');
  t.regex(agent.output(), new RegExp(`health: port ${pa} closed`));

  // git-sync's order: the next revision published, then the old directory deleted. The next one
  // is refused; the applied revision's answers do not depend on its deleted files.
  publish(live, tampered);
  rmSync(rev3, { recursive: true });
  await eventually(agent, 'the tampered revision refused', async () => ((await agent.get('/readyz')).body.includes('last apply failed (artifacts)') ? true : undefined));
  t.deepEqual(await probe(pb), { status: 200, localEndpoints: 1 }, 'answered from the applied revision, whose directory is gone');
  t.deepEqual(await probe(pa), { error: 'ECONNREFUSED' }, 'not opened for the refused revision');

  publish(live, rev4);
  await generation(agent, 4);
  await served(pa);
  t.deepEqual(await probe(pa), { status: 200, localEndpoints: 1 });
});
