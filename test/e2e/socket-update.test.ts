// Updating a live node under load: while a client keeps connecting to a ClusterIP and other
// clients hold established connections, the spec drops one backend and adds another, and
// `switchyard-node apply` updates both nodes in place. No connect fails, the added backend is
// used, the removed one is not chosen after the apply (its server is then stopped, as a
// terminated pod's would be), and every established connection keeps echoing.

import { clusterYaml, socketCluster, tally, type TcpResult } from './socket-cluster.ts';
import { socketLbTest } from './socket-features.ts';

const spec = (backends: string[]) => `
services:
  - name: web
    clusterIPs: [10.5.0.1]
    ports: [{ name: http, port: 80 }]
    backends:
${backends.map((b) => `      - { address: ${b}, node: ${b.startsWith('10.1.') ? 'node1' : 'node2'} }`).join('\n')}
`;

interface LoopResult {
  connects: number;
  backends: Record<string, number>;
  errors: Record<string, number>;
}

interface HoldResult {
  backend: string;
  sent: number;
  echoed: number;
  error: string | null;
  open: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

socketLbTest('update under load: one backend removed, one added, no failed connect, established connections survive', async (t) => {
  const before = ['10.1.0.1', '10.1.0.2', '10.2.0.1'];
  const after = ['10.1.0.1', '10.2.0.1', '10.2.0.2'];
  const c = await socketCluster(t, 'update', clusterYaml('update'), spec(before));
  c.applyAll();

  // Established connections, spread over the backends (pod2's included, most likely), and a
  // client connecting again and again.
  const holds = Array.from({ length: 6 }, () => c.clientAsync<HoldResult>('node1', { op: 'hold', host: '10.5.0.1', port: 80, ms: 5000, every: 50 }));
  const load = c.clientAsync<LoopResult>('node1', { op: 'loop', host: '10.5.0.1', port: 80, ms: 7000 });
  await sleep(1500);
  c.compile(spec(after));
  const applied = c.apply('node1');
  t.regex(applied.stdout, /map lb4_services: .*(added|changed)/, applied.stdout);
  c.apply('node2');

  const held = await Promise.all(holds);
  for (const h of held) {
    t.is(h.error, null, `connection to ${h.backend}: no error`);
    t.true(h.open, `connection to ${h.backend} still open`);
    t.true(h.sent > 50 && h.echoed === h.sent, `connection to ${h.backend}: ${h.echoed}/${h.sent} echoed`);
  }
  // pod2 is out of the service: stopping its server (a terminated pod) must cost no connect.
  c.stopBackend('pod2');

  const during = await load;
  t.deepEqual(during.errors, {}, `no connect failed during the update (${during.connects} connects: ${JSON.stringify(during.backends)})`);
  t.true(during.connects > 100, `the client kept connecting: ${during.connects}`);
  t.true((during.backends.pod4 ?? 0) > 0, 'the added backend took connections');

  const settled = c.client<TcpResult[]>('node1', { op: 'tcp', host: '10.5.0.1', port: 80, count: 200 });
  t.deepEqual(tally(settled.map((r) => r.error)), { '(none)': 200 }, 'no connect failed after the update');
  t.deepEqual(Object.keys(tally(settled.map((r) => r.backend))).sort(), ['pod1', 'pod3', 'pod4'], 'the removed backend is never chosen');
  t.log(`held connections on ${JSON.stringify(tally(held.map((h) => h.backend)))}; loop ${JSON.stringify(during)}`);
});
