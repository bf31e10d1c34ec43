// ID stability and output growth: one backend changes only its own lines; the output grows with
// services + nodes, not services × nodes.

import test from 'ava';
import type { Spec } from '../../compiler/spec/types.ts';
import { backend, node, service, spec } from '../plan/helpers.ts';
import { compileSpec, fileText, lineDiff } from './helpers.ts';
import { decodeMapContentsPacked } from '../../format/map-contents.ts';
import { diffRecords, type Records } from '../../runtime/records.ts';

/** 40 services × 10 backends over 4 nodes; some with externalTrafficPolicy Local. */
function bigSpec(drop?: { service: number; backend: number; by?: string }): Spec {
  const services = [];
  for (let s = 0; s < 40; s++) {
    const backends = [];
    for (let b = 0; b < 10; b++) {
      const address = drop && drop.service === s && drop.backend === b ? drop.by : `10.${1 + (b % 4)}.${s}.${b + 1}`;
      if (address) backends.push(backend(address, `node${1 + (b % 4)}`));
    }
    const local = s % 5 === 0;
    services.push(service(`ns${s % 3}/svc${String(s).padStart(2, '0')}`, {
      type: local ? 'LoadBalancer' : s % 2 ? 'NodePort' : 'ClusterIP',
      externalTrafficPolicy: local ? 'Local' : 'Cluster',
      backends,
    }));
  }
  return spec({ nodes: [1, 2, 3, 4].map((i) => node(`node${i}`, [`10.0.0.${i}`])), services });
}

const TEXT = (paths: string[]) => paths.filter((p) => p.endsWith('.txt') || p.endsWith('.lock'));

function changes(before: ReturnType<typeof compileSpec>, after: ReturnType<typeof compileSpec>): Record<string, { removed: string[]; added: string[] }> {
  const out: Record<string, { removed: string[]; added: string[] }> = {};
  for (const path of TEXT([...new Set([...before.set.files.keys(), ...after.set.files.keys()])])) {
    const d = lineDiff(before.set.files.has(path) ? fileText(before.set, path) : '', after.set.files.has(path) ? fileText(after.set, path) : '');
    if (d.removed.length || d.added.length) out[path] = d;
  }
  return out;
}

test('dropping one backend of many changes exactly its own lines in the text tables', (t) => {
  const before = compileSpec(bigSpec());
  const after = compileSpec(bigSpec({ service: 7, backend: 3 }), before.plan.lock);
  const id = before.plan.backends.find((b) => b.key === '10.4.7.4:8080/TCP')!.id;
  t.deepEqual(changes(before, after), {
    'backends.txt': { removed: [`ns1/svc07:80/TCP 10.4.7.4:8080 id=${id} node=node4`], added: [] },
    'switchyard.lock': {
      removed: [`backend 10.4.7.4:8080/TCP ${id}`, before.plan.lock.slots.get('ns1/svc07:80/TCP') && `slots ns1/svc07:80/TCP ${before.plan.lock.slots.get('ns1/svc07:80/TCP')!.join(',')}`],
      added: [`slots ns1/svc07:80/TCP ${after.plan.lock.slots.get('ns1/svc07:80/TCP')!.join(',')}`],
    },
  });
});

test('replacing one backend rewrites one service-map slot per entry of its port, not the slots after it', (t) => {
  const before = compileSpec(bigSpec());
  const after = compileSpec(bigSpec({ service: 7, backend: 3, by: '10.4.7.200' }), before.plan.lock);
  const records = (set: ReturnType<typeof compileSpec>['set'], map: string): Records => {
    const p = decodeMapContentsPacked(set.files.get(`maps/${map}.bin`)!, map);
    return { keySize: p.keySize, valueSize: p.valueSize, count: p.count, bytes: p.records };
  };
  const entries = before.plan.entries.filter((e) => e.unit.key === 'ns1/svc07:80/TCP').length;
  t.true(entries >= 2, 'a NodePort service: ClusterIP and NodePort entries at least');
  const services = diffRecords(records(before.set, 'lb4_services'), records(after.set, 'lb4_services'));
  t.deepEqual([services.added.count, services.changed.count, services.removed.count], [0, entries, 0], 'the new backend takes the old one\'s slot');
  const backends = diffRecords(records(before.set, 'lb4_backends'), records(after.set, 'lb4_backends'));
  t.deepEqual([backends.added.count, backends.changed.count, backends.removed.count], [1, 0, 1]);
  // The order is read back from the lock: compiled again, nothing moves.
  const again = compileSpec(bigSpec({ service: 7, backend: 3, by: '10.4.7.200' }), after.plan.lock);
  t.deepEqual(Buffer.from(again.set.files.get('maps/lb4_services.bin')!), Buffer.from(after.set.files.get('maps/lb4_services.bin')!));
});

test('dropping a backend of a Local-policy service changes its node\'s line too, nothing else', (t) => {
  const before = compileSpec(bigSpec());
  const after = compileSpec(bigSpec({ service: 10, backend: 1 }), before.plan.lock);
  const c = changes(before, after);
  t.deepEqual(Object.keys(c).sort(), ['backends.txt', 'nodes/node2/services.txt', 'switchyard.lock']);
  t.is(c['backends.txt']!.removed.length, 1);
  // Its backend line, and the port's slots line (one ID fewer).
  t.deepEqual(c['switchyard.lock']!.removed.map((l) => l.split(' ')[0]).sort(), ['backend', 'slots']);
  t.deepEqual(c['switchyard.lock']!.added.map((l) => l.split(' ')[0]), ['slots']);
  t.deepEqual(c['backends.txt']!.added, []);
  // The service's LoadBalancer and NodePort entries on node2 each list one backend fewer.
  t.is(c['nodes/node2/services.txt']!.removed.length, 2);
  t.is(c['nodes/node2/services.txt']!.added.length, 2);
});

test('adding a backend adds its lines and takes a fresh ID; nobody else moves', (t) => {
  const before = compileSpec(bigSpec({ service: 7, backend: 3 }));
  const after = compileSpec(bigSpec(), before.plan.lock);
  const c = changes(before, after);
  t.deepEqual(Object.keys(c).sort(), ['backends.txt', 'switchyard.lock']);
  t.deepEqual(c['backends.txt']!.removed, []);
  t.deepEqual(c['backends.txt']!.added, ['ns1/svc07:80/TCP 10.4.7.4:8080 id=400 node=node4']);
  const slots = (p: typeof before.plan) => `slots ns1/svc07:80/TCP ${p.lock.slots.get('ns1/svc07:80/TCP')!.join(',')}`;
  t.deepEqual(c['switchyard.lock']!.removed.sort(), ['next backend 400', slots(before.plan)]);
  t.deepEqual(c['switchyard.lock']!.added.sort(), ['backend 10.4.7.4:8080/TCP 400', 'next backend 401', slots(after.plan)].sort());
  t.true(slots(after.plan).endsWith(',400'), 'the new backend takes a new slot at the end');
});

test('the output grows with services + nodes, not services × nodes', (t) => {
  const size = (nodes: number, services: number) => {
    const s = bigSpec();
    s.nodes = Array.from({ length: nodes }, (_, i) => node(`node${i + 1}`, [`10.0.${i >> 8}.${(i & 255) + 1}`]));
    s.services = s.services.slice(0, services).map((x) => ({ ...x, type: 'NodePort' as const, externalTrafficPolicy: 'Cluster' as const }));
    let bytes = 0;
    for (const b of compileSpec(s).set.files.values()) bytes += b.length;
    return bytes;
  };
  const base = size(4, 20);
  const moreNodes = size(40, 20) - base;
  const moreServices = size(4, 40) - base;
  const both = size(40, 40) - base;
  t.log({ base, moreNodes, moreServices, both });
  // Additive: doubling services on ten times the nodes costs about the sum of the two, not a product.
  t.true(both < (moreNodes + moreServices) * 1.1, `${both} vs ${moreNodes} + ${moreServices}`);
});
