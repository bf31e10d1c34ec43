// `switchyard-node run`, the node agent, as a process on a symlinked DIR published the way
// git-sync publishes one (a new symlink renamed over the old): a revision with one more backend
// is applied and shows in dump, /metrics and the healthCheckNodePort's answer; a tampered
// revision and an older generation are refused while the applied one keeps serving (health
// included), and show in /readyz and the metrics; SIGTERM and kill -9 leave the links attached;
// a restarted agent still refuses the older generation.

import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup, type TestCgroup } from '../helpers/cgroup.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { talkClusterYaml } from '../helpers/topology.ts';
import { eventually, parseExposition, sampleValue, startAgent, type AgentProcess } from './agent-process.ts';
import { freeNodePort, publish, Revisions } from './agent-revisions.ts';
import { runNodeCli } from './cli-runner.ts';
import { socklbArtifacts, type Backend, type Service } from './socklb-artifacts.ts';

/** `web` with the given node1 backends; `lb` (externalTrafficPolicy: Local) with one on node2, and one on node1 from the second revision on. */
const services = (backends: string[], healthPort: number) => `
services:
  - name: web
    clusterIPs: [10.5.0.1]
    ports: [{ name: http, port: 80 }]
    backends:
${backends.map((b) => `      - { address: ${b}, node: node1 }`).join('\n')}
  - name: lb
    type: LoadBalancer
    loadBalancerIPs: [10.3.0.2]
    externalTrafficPolicy: Local
    healthCheckNodePort: ${healthPort}
    ports: [{ name: http, port: 80 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
${backends.length > 1 ? '      - { address: 10.1.0.3, node: node1 }' : ''}
`;

/** Compiles each services list in turn, and keeps a copy of each revision. */
function revisions(work: string, lists: string[][], healthPort: number): string[] {
  const r = new Revisions(work, talkClusterYaml('agent'), 'agent');
  return lists.map((backends) => r.next(services(backends, healthPort)));
}

async function metrics(t: ExecutionContext, agent: AgentProcess) {
  const r = await agent.get('/metrics');
  t.is(r.status, 200);
  t.is(r.type, 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(r.body);
}

/** Connects from a process in the cgroup: the socket LB translates (and counts) at connect(). */
function connectFromCgroup(cg: TestCgroup, vip: string, port: number): void {
  const code = `const s=require('net').connect(${port},'${vip}');s.on('error',()=>{});setTimeout(()=>process.exit(),200)`;
  spawnSync('sh', ['-c', `${cg.joinScript} "$0" -e "$1"`, process.execPath, code], { encoding: 'utf8' });
}

kernelTest('run: applies each published revision, refuses tampered and older ones, survives SIGTERM and kill -9', async (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t, 'sy-agent-');
  const cg = createCgroup(t, 'sy-agent');
  const healthPort = await freeNodePort();
  const [rev1, rev2] = revisions(work, [['10.1.0.1'], ['10.1.0.1', '10.1.0.2']], healthPort);
  const health = async () => {
    const r = await fetch(`http://127.0.0.1:${healthPort}/`);
    return { status: r.status, body: (await r.json()) as { localEndpoints: number } };
  };
  // A copy of revision 2 with one map file changed: same manifest, files that do not match it.
  const tampered = join(work, '..rev2-tampered');
  cpSync(rev2!, tampered, { recursive: true });
  const backends = join(tampered, 'maps', 'lb4_backends.bin');
  const bytes = readFileSync(backends);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(backends, bytes);

  const live = join(work, 'live');
  publish(live, rev1!);
  const common = ['--node', 'node1', '--bpffs', bpffs, '--state', join(work, 'state')];
  const cli = (args: string[]) => runNodeCli([...args, ...common]);
  t.teardown(() => void cli(['remove']));
  const args = [live, ...common, '--cgroup', cg.relative, '--address', '127.0.0.1'];

  let agent = await startAgent(t, args);
  t.is((await agent.get('/healthz')).status, 200);
  let m = await eventually(agent, 'generation 1 applied', async () => {
    const e = await metrics(t, agent);
    return sampleValue(e, 'switchyard_applied_generation') === 1 ? e : undefined;
  });
  t.is(sampleValue(m, 'switchyard_map_entries', { map: 'lb4_backends' }), 2);
  t.is((await agent.get('/readyz')).status, 200);
  t.like(await health(), { status: 503, body: { localEndpoints: 0 } }, 'no local endpoint of lb on node1 yet');

  publish(live, rev2!);
  m = await eventually(agent, 'generation 2 applied', async () => {
    const e = await metrics(t, agent);
    return sampleValue(e, 'switchyard_applied_generation') === 2 ? e : undefined;
  });
  t.is(sampleValue(m, 'switchyard_map_entries', { map: 'lb4_backends' }), 4, 'the added backend is in the live map');
  t.regex(cli(['dump', 'lb4_backends']).stdout, /10\.1\.0\.2/);
  const info = m.samples.find((s) => s.name === 'switchyard_applied_info');
  t.is(info?.labels.generation, '2');
  t.is(info?.labels.manifest?.length, 64);
  t.true(sampleValue(m, 'switchyard_map_fill_ratio', { map: 'lb4_backends' })! > 0);
  t.is(sampleValue(m, 'switchyard_apply_duration_seconds_count'), 2);
  t.like(await health(), { status: 200, body: { localEndpoints: 1 } }, 'the health answer follows the applied revision');

  // Per-service counters from lb_stats, summed over the CPUs, named from services.txt.
  connectFromCgroup(cg, '10.5.0.1', 80);
  m = await metrics(t, agent);
  t.true((sampleValue(m, 'switchyard_service_translations_total', { service: 'default/web:http/TCP' }) ?? 0) >= 1, agent.output());
  t.is(sampleValue(m, 'switchyard_service_snat_full_drops_total', { service: 'default/web:http/TCP' }), 0, 'drops for want of a SNAT port are exported per service');

  publish(live, tampered);
  m = await eventually(agent, 'the tampered revision refused', async () => {
    const e = await metrics(t, agent);
    return sampleValue(e, 'switchyard_apply_failures_total', { reason: 'artifacts' }) === 1 ? e : undefined;
  });
  t.is(sampleValue(m, 'switchyard_applied_generation'), 2, 'the last good revision still applied');
  t.is(sampleValue(m, 'switchyard_ready'), 0);
  let ready = await agent.get('/readyz');
  t.is(ready.status, 503);
  t.regex(ready.body, /last apply failed \(artifacts\).*do not match manifest\.json/);
  t.regex(agent.output(), /apply failed \(artifacts\); still serving .*\.\.rev2 /);
  t.is(sampleValue(await metrics(t, agent), 'switchyard_map_entries', { map: 'lb4_backends' }), 4);
  t.like(await health(), { status: 200, body: { localEndpoints: 1 } }, 'health answers from the applied revision, not the refused one');

  publish(live, rev1!);
  await eventually(agent, 'the older generation refused', async () =>
    sampleValue(await metrics(t, agent), 'switchyard_apply_failures_total', { reason: 'downgrade' }) === 1 ? true : undefined,
  );
  ready = await agent.get('/readyz');
  t.regex(ready.body, /generation 1 is older than generation 2/);

  // SIGTERM: the agent exits 0 and the datapath stays.
  agent.child.kill('SIGTERM');
  t.deepEqual(await agent.exited, { code: 0, signal: null });
  let status = cli(['status']);
  t.is(status.status, 0, status.stdout + status.stderr);
  t.regex(status.stdout, /connect4 @ cgroup: cgroup_inet4_connect on cgroup id \d+, program connect4/);

  // A restarted agent knows generation 2 is applied (the journal) and still refuses revision 1.
  agent = await startAgent(t, args);
  await eventually(agent, 'the downgrade refused after a restart', async () => ((await agent.get('/readyz')).body.includes('older than generation 2') ? true : undefined));
  publish(live, rev2!);
  await eventually(agent, 'ready again on revision 2', async () => ((await agent.get('/readyz')).status === 200 ? true : undefined));
  agent.child.kill('SIGKILL');
  t.is((await agent.exited).signal, 'SIGKILL');
  status = cli(['status']);
  t.is(status.status, 0, status.stdout + status.stderr);
  t.regex(status.stdout, /connect4 @ cgroup: cgroup_inet4_connect on cgroup id \d+, program connect4/);
});

const be = (n: number): Backend[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, addr: '127.0.0.1', port: 8000 + i }));
const svc = (n: number, backends: number[]): Service[] => Array.from({ length: n }, (_, i) => ({ vip: `192.0.2.${i + 1}`, port: 80, backends }));

kernelTest('run: verifier refusals and a full map keep the last good state; a half-written directory waits for its last file', async (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t, 'sy-agent-');
  const cg = createCgroup(t, 'sy-agent');
  const node = 'n1';
  const common = ['--node', node, '--bpffs', bpffs, '--state', join(work, 'state')];
  t.teardown(() => void runNodeCli(['remove', ...common]));
  const rev = (name: string, services: Service[], backends: Backend[], variant = {}): string => {
    const dir = join(work, name);
    socklbArtifacts(dir, node, services, backends, { sockOnly: true, maxServices: 8, ...variant });
    return dir;
  };
  const live = join(work, 'live');
  publish(live, rev('good', svc(1, [1]), be(1)));
  const agent = await startAgent(t, [live, ...common, '--cgroup', cg.relative]);
  const failures = async (reason: string) => sampleValue(await metrics(t, agent), 'switchyard_apply_failures_total', { reason });
  const services = async () => sampleValue(await metrics(t, agent), 'switchyard_map_entries', { map: 'services' });
  await eventually(agent, 'the first revision applied', async () => ((await agent.get('/readyz')).status === 200 ? true : undefined));
  t.is(await services(), 2);

  publish(live, rev('broken', svc(2, [1, 2]), be(2), { broken: true }));
  await eventually(agent, 'the WebAssembly verifier refusal', async () => ((await failures('verifier')) === 1 ? true : undefined));
  const m = await metrics(t, agent);
  t.is(sampleValue(m, 'switchyard_verifier_refusals_total', { verifier: 'wasm' }), 1);
  t.is(sampleValue(m, 'switchyard_verifier_refusals_total', { verifier: 'kernel' }), 0);
  t.regex((await agent.get('/readyz')).body, /last apply failed \(verifier\).*the WebAssembly verifier refused/);
  t.is(await services(), 2, 'the first revision still in the maps');

  // 3 services × (2 slots + 1) = 9 entries in a map of 8.
  publish(live, rev('full', svc(3, [1, 2]), be(2)));
  await eventually(agent, 'the full map refused', async () => ((await failures('map-capacity')) === 1 ? true : undefined));
  t.regex((await agent.get('/readyz')).body, /map-capacity.*E2BIG/);
  t.is(await services(), 2);

  // A plain directory written in place, manifest first: refused until its files match, then
  // applied after the last file lands (retried on the event, after the backoff).
  const next = rev('next', svc(2, [1]), be(1));
  const plain = join(work, 'plain');
  cpSync(join(work, 'good'), plain, { recursive: true });
  publish(live, plain);
  await eventually(agent, 'back on the first revision', async () => ((await agent.get('/readyz')).status === 200 ? true : undefined));
  const artifactsBefore = (await failures('artifacts'))!;
  cpSync(join(next, 'manifest.json'), join(plain, 'manifest.json'));
  await eventually(agent, 'the half-written directory refused', async () => ((await failures('artifacts'))! > artifactsBefore ? true : undefined));
  t.is(await services(), 2, 'nothing of the half-written revision applied');
  for (const f of readdirSync(next, { recursive: true, encoding: 'utf8' })) if (f !== 'manifest.json') cpSync(join(next, f), join(plain, f), { recursive: true });
  await eventually(agent, 'the completed directory applied', async () => ((await services()) === 4 ? true : undefined));
  t.is((await agent.get('/readyz')).status, 200);
});

kernelTest('run --no-verify: a program the kernel verifier refuses is counted as its refusal, and the last good state serves', async (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t, 'sy-agent-');
  const cg = createCgroup(t, 'sy-agent');
  const common = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
  t.teardown(() => void runNodeCli(['remove', ...common]));
  const live = join(work, 'live');
  socklbArtifacts(join(work, 'good'), 'n1', svc(1, [1]), be(1), { sockOnly: true });
  socklbArtifacts(join(work, 'broken'), 'n1', svc(2, [1, 2]), be(2), { sockOnly: true, broken: true });
  publish(live, join(work, 'good'));
  const agent = await startAgent(t, [live, ...common, '--cgroup', cg.relative, '--no-verify']);
  await eventually(agent, 'the first revision applied', async () => ((await agent.get('/readyz')).status === 200 ? true : undefined));
  publish(live, join(work, 'broken'));
  const m = await eventually(agent, 'the kernel verifier refusal', async () => {
    const e = await metrics(t, agent);
    return sampleValue(e, 'switchyard_apply_failures_total', { reason: 'kernel-verifier' }) === 1 ? e : undefined;
  });
  t.is(sampleValue(m, 'switchyard_verifier_refusals_total', { verifier: 'kernel' }), 1);
  t.is(sampleValue(m, 'switchyard_verifier_refusals_total', { verifier: 'wasm' }), 0);
  t.is(sampleValue(m, 'switchyard_map_entries', { map: 'services' }), 2, 'the first revision still in the maps');
  t.regex((await agent.get('/readyz')).body, /last apply failed \(kernel-verifier\).*the kernel verifier refused it/);
});
