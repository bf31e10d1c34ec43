// Which endpoints of EndpointSlices serve which service port: only the ports a slice lists,
// matched by name and protocol (no targetPort fallback), and one entry per address:port when
// slices disagree, chosen the same whatever order the slices come in.

import test from 'ava';
import { buildModel } from '../../compiler/model/build.ts';
import type { BackendSpec } from '../../compiler/spec/types.ts';
import { backend, port, service, spec } from '../plan/helpers.ts';

const http = { name: 'http', protocol: 'TCP' as const, port: 8080 };

function backendsOf(backends: BackendSpec[], ports = [port(80, { name: 'http', targetPort: 8080 })]): string[][] {
  const model = buildModel(spec({ services: [service('default/web', { ports, backends })] }));
  return model.services[0]!.ports.map((p) => p.backends.map((b) => `${b.key} ${b.node ?? '-'}${b.terminating ? ' terminating' : ''} ${b.spec.slice}`));
}

test('a slice serves only the ports it lists, by name and protocol; numeric targetPort is no fallback', (t) => {
  const ports = [port(80, { name: 'http', targetPort: 8080 }), port(53, { name: 'dns', protocol: 'UDP', targetPort: 53 })];
  t.deepEqual(backendsOf([
    backend('10.1.0.1', 'node1', { slice: 'a', ports: [http] }),
    backend('10.1.0.2', 'node1', { slice: 'b', ports: [] }),
    backend('10.1.0.3', 'node1', { slice: 'c', ports: [{ name: 'dns', protocol: 'TCP', port: 53 }] }),
  ], ports), [['10.1.0.1:8080/TCP node1 a'], []]);
});

test('a compact-format backend keeps the numeric targetPort fallback', (t) => {
  t.deepEqual(backendsOf([backend('10.1.0.1', 'node1')]), [['10.1.0.1:8080/TCP node1 undefined']]);
});

test('one address in two slices: ready over terminating over not serving, then a named node, then slice name; in either order', (t) => {
  const cases: [BackendSpec, BackendSpec, string][] = [
    [backend('10.1.0.1', 'node1', { slice: 'a', ports: [http], ready: false }), backend('10.1.0.1', 'node1', { slice: 'b', ports: [http] }), 'b'],
    [backend('10.1.0.1', 'node1', { slice: 'a', ports: [http], ready: false, terminating: true }), backend('10.1.0.1', 'node1', { slice: 'b', ports: [http] }), 'b'],
    [backend('10.1.0.1', 'node1', { slice: 'a', ports: [http], ready: false, serving: false, terminating: true }), backend('10.1.0.1', 'node1', { slice: 'b', ports: [http], ready: false, terminating: true }), 'b'],
    [backend('10.1.0.1', undefined, { slice: 'a', ports: [http] }), backend('10.1.0.1', 'node2', { slice: 'b', ports: [http] }), 'b'],
    [backend('10.1.0.1', 'node2', { slice: 'b', ports: [http] }), backend('10.1.0.1', 'node1', { slice: 'a', ports: [http] }), 'a'],
  ];
  for (const [x, y, winner] of cases) {
    const one = backendsOf([x, y]);
    t.deepEqual(one, backendsOf([y, x]));
    t.is(one[0]!.length, 1);
    t.regex(one[0]![0]!, new RegExp(` ${winner}$`));
  }
});

test('one address on two ports of a slice pair is two backends; only equal address:port entries are merged', (t) => {
  t.deepEqual(backendsOf([
    backend('10.1.0.1', 'node1', { slice: 'a', ports: [http] }),
    backend('10.1.0.1', 'node1', { slice: 'b', ports: [{ ...http, port: 8081 }] }),
  ]), [['10.1.0.1:8080/TCP node1 a', '10.1.0.1:8081/TCP node1 b']]);
});
