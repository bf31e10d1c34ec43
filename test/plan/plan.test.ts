// The plan's behaviour per Kubernetes feature: LoadBalancer expansion, traffic policies and
// scopes, HostPorts, terminating backends, named ports, dual-stack, allocation and ID stability.

import test from 'ava';
import { buildModel } from '../../compiler/model/build.ts';
import { planCluster } from '../../compiler/plan/build.ts';
import { emptyLock, formatLock, parseLock, type Lock } from '../../compiler/plan/lock.ts';
import { clusterEntryBackends, type Plan } from '../../compiler/plan/types.ts';
import type { Spec } from '../../compiler/spec/types.ts';
import { at, backend, cluster, hostPort, node, port, service, spec, talkSpec } from './helpers.ts';

function plan(s: Spec, lock?: Lock): Plan {
  const r = planCluster(buildModel(s), lock);
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

const entriesOf = (p: Plan, svc: string) => p.entries.filter((e) => e.unit.service?.key === svc);
const ids = (xs: { backend: { id: number } }[]) => xs.map((b) => b.backend.id);

test('a LoadBalancer service also answers on its NodePort and ClusterIP, with the same backends', (t) => {
  const p = plan(talkSpec());
  const lb = p.services.find((s) => s.key === 'default/lb')!;
  t.deepEqual(lb.units[0]!.frontends.map((f) => f.kind), ['ClusterIP', 'NodePort', 'LoadBalancer']);
  t.is(lb.loadBalancerIPs[0]!.text, '10.3.0.1', 'the lowest address of the default pool, network address skipped');
  t.is(lb.units[0]!.nodePort, 30000, 'the lowest free nodePort');
  t.true(lb.units[0]!.frontends.find((f) => f.kind === 'NodePort')!.wildcard);
  t.not(lb.healthCheckNodePort, undefined, 'externalTrafficPolicy: Local gets a healthCheckNodePort');
});

test('externalTrafficPolicy Local: zero backends cluster-wide, each node gets only its own', (t) => {
  const p = plan(talkSpec());
  const ext = entriesOf(p, 'default/lb').filter((e) => e.frontend.kind === 'LoadBalancer');
  t.deepEqual(ext.map((e) => [e.scope, e.set, e.twoScopes]), [['external', 'local', true], ['internal', 'all', false]]);
  t.deepEqual(clusterEntryBackends(ext[0]!), [], 'a node without a local backend drops');
  t.is(clusterEntryBackends(ext[1]!).length, 2, 'in-cluster traffic keeps every backend');
  const perNode = Object.fromEntries(
    p.nodes.map((n) => [n.node.name, n.entries.filter((e) => e.entry === ext[0]).map((e) => e.backends.map((b) => b.backend.address.text))]),
  );
  t.deepEqual(perNode, { node1: [['10.1.0.2']], node2: [['10.2.0.1']] });
});

test('a node without a local backend keeps only the cluster-wide zero-backend entry', (t) => {
  const s = talkSpec();
  s.nodes.push(node('node3', ['10.0.0.3']));
  const p = plan(s);
  const node3 = p.nodes.find((n) => n.node.name === 'node3')!;
  t.deepEqual(node3.entries, []);
});

test('internalTrafficPolicy Local on a ClusterIP: one scope, node-local backends', (t) => {
  const p = plan(spec({
    services: [service('default/local', { internalTrafficPolicy: 'Local', backends: [backend('10.1.0.1', 'node1'), backend('10.2.0.1', 'node2')] })],
  }));
  const [e, ...rest] = entriesOf(p, 'default/local');
  t.is(rest.length, 0);
  t.is(e!.set, 'local');
  t.deepEqual(p.nodes.map((n) => n.entries.map((x) => x.backends.map((b) => b.backend.address.text))), [[['10.1.0.1']], [['10.2.0.1']]]);
});

test('ExternalIPs are not served to in-cluster sockets unless the cluster says so', (t) => {
  const p = plan(talkSpec());
  const e = entriesOf(p, 'default/external').find((x) => x.frontend.kind === 'ExternalIP')!;
  t.true(e.notInCluster);
  const c = cluster();
  const q = plan({ ...talkSpec(), cluster: { ...c, datapath: { ...c.datapath, externalIPsInCluster: true } } });
  t.false(entriesOf(q, 'default/external').find((x) => x.frontend.kind === 'ExternalIP')!.notInCluster);
});

test('HostPorts exist on their node only', (t) => {
  const p = plan(talkSpec());
  t.is(p.entries.filter((e) => e.frontend.kind === 'HostPort').length, 0);
  const [n1, n2] = p.nodes;
  t.is(n1!.entries.filter((e) => e.entry.frontend.kind === 'HostPort').length, 1);
  t.is(n2!.entries.filter((e) => e.entry.frontend.kind === 'HostPort').length, 0);
});

test('terminating backends come after active ones; not-serving ones are left out', (t) => {
  const p = plan(spec({
    services: [service('default/web', {
      backends: [
        backend('10.1.0.9', 'node1', { ready: false, serving: true, terminating: true }),
        backend('10.1.0.1', 'node1'),
        backend('10.1.0.8', 'node1', { ready: false, serving: false, terminating: true }),
        backend('10.1.0.7', 'node1', { ready: false, serving: false }),
      ],
    })],
  }));
  const u = p.services[0]!.units[0]!;
  t.deepEqual(u.backends.map((b) => [b.backend.address.text, b.terminating]), [['10.1.0.1', false], ['10.1.0.9', true]]);
});

test('backend ports: a named port matching the service port, else the numeric targetPort', (t) => {
  const p = plan(spec({
    services: [service('default/web', {
      ports: [port(80, { name: 'http', targetPort: 8080 }), port(443, { name: 'https', targetPort: 'tls' })],
      backends: [
        backend('10.1.0.1', 'node1', { ports: [{ name: 'http', protocol: 'TCP', port: 9090 }, { name: 'tls', protocol: 'TCP', port: 9443 }] }),
        backend('10.1.0.2', 'node1'),
      ],
    })],
  }));
  const [http, https] = p.services[0]!.units;
  t.deepEqual(http!.backends.map((b) => b.backend.key), ['10.1.0.1:9090/TCP', '10.1.0.2:8080/TCP']);
  t.deepEqual(https!.backends.map((b) => b.backend.key), ['10.1.0.1:9443/TCP'], 'no port named "tls": not a backend of this port');
});

test('dual-stack: each entry holds backends of its own family only', (t) => {
  const p = plan(spec({
    services: [service('default/web', {
      ipFamilies: ['IPv4', 'IPv6'],
      backends: [backend('10.1.0.1', 'node1'), backend('fd00:1::1', 'node1')],
    })],
  }));
  const byFamily = entriesOf(p, 'default/web').map((e) => [e.frontend.address.text, clusterEntryBackends(e).map((b) => b.backend.address.text)]);
  t.deepEqual(byFamily, [['10.5.0.1', ['10.1.0.1']], ['fd00:5::1', ['fd00:1::1']]]);
});

test('allocations and IDs survive reordering, insertion and removal through the lock', (t) => {
  const svc = (name: string, b: string) => service(`default/${name}`, { type: 'NodePort', backends: [backend(b, 'node1')] });
  const first = plan(spec({ services: [svc('b', '10.1.0.2'), svc('c', '10.1.0.3')] }));
  const lock = parseLock(formatLock(first.lock)).lock;
  // Insert a service that sorts first, shuffle the rest.
  const second = plan(spec({ services: [svc('c', '10.1.0.3'), svc('a', '10.1.0.1'), svc('b', '10.1.0.2')] }), lock);
  const view = (p: Plan, key: string) => {
    const s = p.services.find((x) => x.key === key)!;
    return [s.clusterIPs[0]!.text, s.units[0]!.nodePort, s.units[0]!.id, s.units[0]!.backends[0]!.backend.id];
  };
  t.deepEqual(view(second, 'default/b'), view(first, 'default/b'));
  t.deepEqual(view(second, 'default/c'), view(first, 'default/c'));
  t.deepEqual(view(second, 'default/a'), ['10.5.0.3', 30002, 3, 3], 'the newcomer takes what is free next');
});

test('freed IDs are not reused at once', (t) => {
  const s1 = spec({ services: [service('default/a', { backends: [backend('10.1.0.1', 'node1'), backend('10.1.0.2', 'node1')] })] });
  const p1 = plan(s1);
  const s2 = spec({ services: [service('default/a', { backends: [backend('10.1.0.1', 'node1'), backend('10.1.0.3', 'node1')] })] });
  const p2 = plan(s2, p1.lock);
  t.deepEqual(ids(p2.services[0]!.units[0]!.backends), [1, 3], '10.1.0.3 gets 3, not the 2 that 10.1.0.2 just freed');
  t.true(formatLock(p2.lock).includes('next backend 4'));
});

test('a spec-given address wins over a locked allocation; the loser moves', (t) => {
  const p1 = plan(spec({ services: [service('default/a')] }));
  t.is(p1.services[0]!.clusterIPs[0]!.text, '10.5.0.1');
  const p2 = plan(spec({ services: [service('default/a'), service('default/b', { clusterIPs: ['10.5.0.1'] })] }), p1.lock);
  t.is(p2.services.find((s) => s.key === 'default/b')!.clusterIPs[0]!.text, '10.5.0.1');
  t.is(p2.services.find((s) => s.key === 'default/a')!.clusterIPs[0]!.text, '10.5.0.2');
});

test('the lock prints sorted and reads back to the same lock', (t) => {
  const p = plan(talkSpec());
  const text = formatLock(p.lock);
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  t.deepEqual(lines, [...lines].sort());
  t.is(formatLock(parseLock(text).lock), text);
  t.is(formatLock(emptyLock()).split('\n').filter((l) => l.startsWith('next')).length, 3);
});

test('session affinity and source ranges reach the entries', (t) => {
  const p = plan(spec({
    services: [service('default/lb', {
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      affinityTimeoutSeconds: 600,
      loadBalancerSourceRanges: ['192.0.2.0/24', '2001:db8::/32'],
      backends: [backend('10.1.0.1', 'node1')],
    })],
  }));
  const lbEntry = entriesOf(p, 'default/lb').find((e) => e.frontend.kind === 'LoadBalancer')!;
  t.is(lbEntry.affinityTimeout, 600);
  t.true(lbEntry.sourceRanges);
  t.false(entriesOf(p, 'default/lb').find((e) => e.frontend.kind === 'NodePort')!.sourceRanges, 'source ranges guard the LoadBalancer IP only');
  t.deepEqual(p.sourceRanges.map((r) => r.cidr.text), ['192.0.2.0/24'], 'only the ranges of the frontend\'s family');
});

test('Maglev tables: one per service port and family cluster-wide, per node for Local sets and HostPorts', (t) => {
  const s = talkSpec();
  s.cluster = { ...s.cluster, datapath: { ...s.cluster.datapath, algorithm: 'maglev', maglevTableSize: 251 } };
  const p = plan(s);
  t.deepEqual(p.maglev.map((m) => `${m.unit.key} ${m.set}`).sort(), [
    'default/external:8080/TCP all',
    'default/lb:80/TCP all',
    'default/nodeport:http/TCP all',
    'default/web:http/TCP all',
  ]);
  // node1 also holds its HostPort's table: its one backend in every slot.
  t.deepEqual(p.nodes.map((n) => n.maglev.map((m) => `${m.unit.key} ${m.set} ${new Set(m.table).size}`)), [
    ['default/lb:80/TCP local 1', 'node1/0.0.0.0:10000/TCP all 1'],
    ['default/lb:80/TCP local 1'],
  ]);
  t.is(p.maglev[0]!.table.length, 251);
});

test('hostPort wildcard entries take the pod address family', (t) => {
  const p = plan(spec({ hostPorts: [hostPort('node1', 8080, 'fd00:1::5', 80)] }));
  t.is(p.hostPorts[0]!.frontends[0]!.key, 'node1/[::]:8080/TCP');
});

test('LoadBalancer addresses: the status wins; hostname-only and Proxy entries give none; pools serve their class only', (t) => {
  const ingress = (ip: string | undefined, over: { hostname?: string; ipMode?: 'VIP' | 'Proxy' } = {}) => ({ at: at(), pos: {}, ip, ipMode: 'VIP' as const, ...over });
  const lb = (key: string, over: Parameters<typeof service>[1] = {}) =>
    service(key, { type: 'LoadBalancer', ports: [port(80, { targetPort: 80 })], backends: [backend('10.1.0.1', 'node1')], ...over });
  const p = plan(spec({
    cluster: cluster({ loadBalancerClass: 'example.com/ours' }),
    services: [
      // The status names the pool's first address: nothing else may get it.
      lb('default/a-status', { loadBalancerIPs: ['10.3.0.9'], loadBalancerIngress: [ingress('10.3.0.1'), ingress('192.0.2.7')] }),
      lb('default/b-hostname', { loadBalancerIngress: [ingress(undefined, { hostname: 'lb.example.com' })] }),
      lb('default/c-proxy', { loadBalancerIngress: [ingress('192.0.2.8', { ipMode: 'Proxy' })] }),
      lb('default/d-other-class', { loadBalancerClass: 'example.com/theirs' }),
      lb('default/e-our-class', { loadBalancerClass: 'example.com/ours' }),
      lb('default/f-no-class'),
    ],
  }));
  const lbIPs = Object.fromEntries(p.services.map((s) => [s.name, s.loadBalancerIPs.map((a) => a.text)]));
  t.deepEqual(lbIPs, {
    'a-status': ['10.3.0.1', '192.0.2.7'],
    'b-hostname': [],
    'c-proxy': [],
    'd-other-class': [],
    'e-our-class': ['10.3.0.2'],
    'f-no-class': ['10.3.0.3'],
  });
  for (const s of p.services) {
    const kinds = [...new Set(s.units[0]!.frontends.map((f) => f.kind))];
    t.deepEqual(kinds, s.loadBalancerIPs.length ? ['ClusterIP', 'NodePort', 'LoadBalancer'] : ['ClusterIP', 'NodePort'], `${s.name}: NodePort and ClusterIP stay`);
  }
  t.deepEqual([...p.lock.loadBalancerIPs.keys()].sort(), ['default/e-our-class', 'default/f-no-class'], 'status addresses are not locked');
});

test('allocateLoadBalancerNodePorts: false: NodePorts only where a port sets one', (t) => {
  const p = plan(spec({
    services: [
      service('default/lb', {
        type: 'LoadBalancer',
        allocateLoadBalancerNodePorts: false,
        externalTrafficPolicy: 'Local',
        ports: [port(80, { name: 'http', targetPort: 80 }), port(443, { name: 'https', targetPort: 443, nodePort: 30443 })],
        backends: [backend('10.1.0.1', 'node1')],
      }),
    ],
  }));
  const [http, https] = p.services[0]!.units;
  t.is(http!.nodePort, undefined);
  t.deepEqual(http!.frontends.map((f) => f.kind), ['ClusterIP', 'LoadBalancer']);
  t.is(https!.nodePort, 30443);
  t.deepEqual(https!.frontends.map((f) => f.kind), ['ClusterIP', 'NodePort', 'LoadBalancer']);
  t.not(p.services[0]!.healthCheckNodePort, undefined, 'the health check port is allocated regardless, as the API server does');
  t.deepEqual([...p.lock.nodePorts.keys()], []);
});
