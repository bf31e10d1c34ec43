// `switchyard-node run` under live traffic, in node1's namespace of the talk's topology: while
// one client in node1's cgroup connects to a ClusterIP (socket LB) and one in node2 to node1's
// NodePort (tc) again and again, DIR is swapped (a new
// symlink renamed over the old, as git-sync does) through 50 revisions that add and remove
// backends around two kept ones. Each revision is applied (its generation seen in /metrics and
// /readyz) before the next is published; a tampered revision and an older one come in between
// and are refused while the last good one keeps serving. Then SIGTERM and kill -9 of the agent:
// traffic keeps flowing while no agent runs, and a restarted agent carries on. No connect fails
// from start to end.

import type { ExecutionContext } from 'ava';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, parseExposition, sampleValue, startAgent, type AgentProcess } from '../runtime/agent-process.ts';
import { CHANGING, KEPT, liveNode, type LiveNode, type LoopResult } from './agent-node.ts';
import { socketLbTest } from './socket-features.ts';

const REVISIONS = 50;
/** Before this revision, a tampered copy of it is published; before the next, an old one. */
const TAMPERED_AT = 20;
const DOWNGRADE_AT = 35;

async function metrics(agent: AgentProcess) {
  return parseExposition((await agent.get('/metrics')).body);
}

/** Waits until generation `n` is applied and /readyz says so. */
async function applied(agent: AgentProcess, n: number): Promise<void> {
  await eventually(agent, `generation ${n} applied`, async () => {
    const ready = await agent.get('/readyz');
    return ready.status === 200 && ready.body.includes(`generation ${n},`) && sampleValue(await metrics(agent), 'switchyard_applied_generation') === n ? true : undefined;
  });
}

function start(t: ExecutionContext, node: LiveNode): Promise<AgentProcess> {
  const ns = node.topo.node('node1').ns;
  return startAgent(t, node.agentArgs, { netns: ns, relaySocket: join(node.work, `agent-${Date.now()}.sock`) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A second of traffic on both paths while no agent runs: none fails, and some goes through. */
async function withoutAgent(t: ExecutionContext, node: LiveNode, when: string): Promise<void> {
  const loads = await Promise.all([node.startLoad('clusterip'), node.startLoad('nodeport')]);
  await sleep(1000);
  for (const r of await Promise.all(loads.map((l) => l.stop()))) {
    noFailures(t, `${when}, no agent`, r);
    t.true(r.connects > 0, `${when}: connects went through`);
  }
}

function noFailures(t: ExecutionContext, what: string, r: LoopResult): void {
  t.deepEqual(r.errors, {}, `${what}: no connect failed (${r.connects} connects: ${JSON.stringify(r.backends)})`);
}

socketLbTest('run under live traffic: 50 revisions swapped in, tampered and older ones refused, SIGTERM and kill -9, no failed connect', async (t) => {
  const node = await liveNode(t);
  const revs = [''];
  for (let n = 1; n <= REVISIONS + 2; n++) revs.push(node.compile());
  // Revision TAMPERED_AT with one map file changed: its manifest, files that do not match it.
  const tampered = join(node.work, '..tampered');
  cpSync(revs[TAMPERED_AT]!, tampered, { recursive: true });
  const backends = join(tampered, 'maps', 'lb4_backends.bin');
  const bytes = readFileSync(backends);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(backends, bytes);

  node.publish(revs[1]!);
  let agent = await start(t, node);
  await applied(agent, 1);
  const loads = { clusterip: await node.startLoad('clusterip'), nodeport: await node.startLoad('nodeport') };

  for (let n = 2; n <= REVISIONS; n++) {
    if (n === TAMPERED_AT) {
      node.publish(tampered);
      const m = await eventually(agent, 'the tampered revision refused', async () => {
        const e = await metrics(agent);
        return sampleValue(e, 'switchyard_apply_failures_total', { reason: 'artifacts' }) === 1 ? e : undefined;
      });
      t.is(sampleValue(m, 'switchyard_applied_generation'), n - 1, 'the last good revision still applied');
      t.is(sampleValue(m, 'switchyard_ready'), 0);
      const ready = await agent.get('/readyz');
      t.is(ready.status, 503);
      t.regex(ready.body, /last apply failed \(artifacts\).*do not match manifest\.json/);
    }
    if (n === DOWNGRADE_AT) {
      node.publish(revs[10]!);
      await eventually(agent, 'the older generation refused', async () =>
        sampleValue(await metrics(agent), 'switchyard_apply_failures_total', { reason: 'downgrade' }) === 1 ? true : undefined,
      );
      const ready = await agent.get('/readyz');
      t.is(ready.status, 503);
      t.regex(ready.body, new RegExp(`generation 10 is older than generation ${n - 1}`));
    }
    node.publish(revs[n]!);
    await applied(agent, n);
  }
  const m = await metrics(agent);
  t.is(sampleValue(m, 'switchyard_applies_total'), REVISIONS + 1, 'every revision and the tampered one reached apply');
  t.is(sampleValue(m, 'switchyard_apply_failures_total', { reason: 'artifacts' }), 1);
  t.is(sampleValue(m, 'switchyard_apply_failures_total', { reason: 'downgrade' }), 1);
  for (let n = 1; n <= REVISIONS; n++) t.regex(agent.output(), new RegExp(`applied \\S+\\.\\.rev${n} \\(manifest \\w+, generation ${n}\\)`), `revision ${n} applied`);

  // SIGTERM: the agent exits 0; traffic goes on without it, and a new agent applies the next revision.
  agent.child.kill('SIGTERM');
  t.deepEqual(await agent.exited, { code: 0, signal: null });
  await withoutAgent(t, node, 'after SIGTERM');
  node.publish(revs[REVISIONS + 1]!);
  agent = await start(t, node);
  await applied(agent, REVISIONS + 1);

  // kill -9 as a new revision is being picked up; the next agent finishes what it left.
  node.publish(revs[REVISIONS + 2]!);
  await sleep(300);
  agent.child.kill('SIGKILL');
  t.is((await agent.exited).signal, 'SIGKILL');
  await withoutAgent(t, node, 'after kill -9');
  agent = await start(t, node);
  await applied(agent, REVISIONS + 2);

  for (const [via, load] of Object.entries(loads)) {
    const r = await load.stop();
    noFailures(t, `${via}, throughout`, r);
    t.true(r.connects > 1000, `${via}: the client kept connecting: ${r.connects}`);
    for (const pod of [...KEPT, ...CHANGING]) t.true((r.backends[pod] ?? 0) > 0, `${via}: ${pod} took connections: ${JSON.stringify(r.backends)}`);
    t.log(`${via}: ${r.connects} connects, none failed, ${r.slow} took 1 s or more (longest ${r.maxMs} ms): ${JSON.stringify(r.backends)}`);
  }
});
