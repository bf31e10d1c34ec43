// The programming bench's Switchyard path on a small cluster: the spawned compile and apply run
// on real compiled output (north-south programs attached to the node's eth0), and each change is
// proven served by a connect through the socket LB that reaches the new backend, never an old one,
// whether a spawned apply or the node agent (`switchyard-node run`) applies it.

import { kernelTest } from '../helpers/kernel.ts';
import { Cleanups } from './nodeport-setup.ts';
import { benchCluster, sparePodAddress } from './bench-cluster.ts';
import { usageMeter } from './child-usage.ts';
import { applySteps, runSwitchyard } from './switchyard-path.ts';

kernelTest('a change compiled and applied by the CLIs is served: a connect through the socket LB reaches the new backend', async (t) => {
  t.timeout(120_000);
  const c = new Cleanups();
  t.teardown(() => c.run());
  const meter = usageMeter();
  c.teardown(() => meter.dispose());
  const shape = { services: 30, endpointsPerService: 3, nodes: 4 };
  const newBackends = [0, 1, 2, 3].map((k) => sparePodAddress(0, k));
  const versions = [benchCluster(shape), ...newBackends.map((address) => benchCluster(shape, { service: 7, endpoint: 1, address }))];
  const runs = await runSwitchyard(c, meter, versions, { node: 'node0', serviceIP: versions[0]!.services[7]!.clusterIP, newBackends, spawnedChanges: 2 });

  t.regex(runs.apply.stdout, /link nodeport_ingress@eth0: created/, 'the north-south programs are attached too');
  t.regex(applySteps(runs.apply), /^artifacts-checked [\d.]+ ms/);
  t.is(runs.changes.length, 2);
  for (const change of runs.changes) {
    t.regex(change.apply.stdout, /map lb4_backends: added 1, changed 0, removed 1/);
    t.true(change.attempts >= 1);
    t.is(change.endToEnd.cpuMs, change.compile.cpuMs + change.apply.cpuMs + change.confirm.cpuMs);
    t.true(change.endToEnd.wallMs >= change.compile.wallMs + change.apply.wallMs);
  }
  t.is(runs.agentChanges.length, 2, 'the agent applied the last two changes');
  for (const change of runs.agentChanges) {
    t.true(change.apply.cpuMs > 0, 'the agent used CPU for the revision');
    t.is(change.endToEnd.cpuMs, change.compile.cpuMs + change.apply.cpuMs + change.confirm.cpuMs);
  }
}, ['ip', 'cc']);
