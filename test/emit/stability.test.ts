// ID stability and output growth: one backend changes only its own lines; the output grows with
// services + nodes, not services × nodes.

import test from 'ava';
import type { Spec } from '../../compiler/spec/types.ts';
import { backend, node, service, spec } from '../plan/helpers.ts';
import { compileSpec, fileText, lineDiff } from './helpers.ts';

/** 40 services × 10 backends over 4 nodes; some with externalTrafficPolicy Local. */
function bigSpec(drop?: { service: number; backend: number }): Spec {
  const services = [];
  for (let s = 0; s < 40; s++) {
    const backends = [];
    for (let b = 0; b < 10; b++) {
      if (drop && drop.service === s && drop.backend === b) continue;
      backends.push(backend(`10.${1 + (b % 4)}.${s}.${b + 1}`, `node${1 + (b % 4)}`));
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
    'switchyard.lock': { removed: [`backend 10.4.7.4:8080/TCP ${id}`], added: [] },
  });
});

test('dropping a backend of a Local-policy service changes its node\'s line too, nothing else', (t) => {
  const before = compileSpec(bigSpec());
  const after = compileSpec(bigSpec({ service: 10, backend: 1 }), before.plan.lock);
  const c = changes(before, after);
  t.deepEqual(Object.keys(c).sort(), ['backends.txt', 'nodes/node2/services.txt', 'switchyard.lock']);
  t.is(c['backends.txt']!.removed.length, 1);
  t.is(c['switchyard.lock']!.removed.length, 1);
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
  t.deepEqual(c['switchyard.lock']!.removed, ['next backend 400']);
  t.deepEqual(c['switchyard.lock']!.added.sort(), ['backend 10.4.7.4:8080/TCP 400', 'next backend 401']);
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
