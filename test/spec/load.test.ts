// loadSpec on the demo: the talk's cluster comes out whole, with defaults filled in.

import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadSpec } from '../../compiler/spec/load.ts';

test('the demo spec loads without diagnostics', (t) => {
  const { spec, diagnostics } = loadSpec(['specs/demo']);
  t.deepEqual(diagnostics.map(formatDiagnostic), []);
  t.truthy(spec);
  t.is(spec!.cluster.name, 'demo');
  t.deepEqual(spec!.cluster.serviceCIDRs, { v4: '10.5.0.0/16', v6: 'fd00:10:5::/108' });
  t.deepEqual(spec!.nodes.map((n) => [n.name, n.addresses[0], n.podCIDRs[0]]), [
    ['node1', '10.0.0.1', '10.1.0.0/24'],
    ['node2', '10.0.0.2', '10.2.0.0/24'],
  ]);
  const nodeport = spec!.services.find((s) => s.name === 'nodeport')!;
  t.is(nodeport.ports[0]!.nodePort, 30001);
  t.deepEqual(nodeport.backends.map((b) => `${b.address}@${b.node}`), ['10.1.0.1@node1', '10.2.0.1@node2']);
  t.deepEqual(nodeport.backends[0]!.ports, [{ name: 'http', protocol: 'TCP', port: 80 }]);
  t.deepEqual(spec!.inputs.map((i) => i.file), ['specs/demo/cluster.yaml']);
});

test('YAML beyond the plain subset (anchors, folded text) goes through the full parser and loads alike', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'spec.yaml'), [
    'cluster:',
    '  name: anchors',
    '  serviceCIDRs: {v4: 10.5.0.0/16}',
    'nodes:',
    '  - {name: node1, addresses: [10.0.0.1], podCIDRs: [10.1.0.0/24]}',
    'services:',
    '  - name: web',
    '    ports: &http [{name: http, port: 80, targetPort: 8080}]',
    '    backends: [{address: 10.1.0.1, node: node1}]',
    '  - name: api',
    '    ports: *http',
    '    backends: [{address: 10.1.0.2, node: node1}]',
    'hostPorts:',
    '  - node: node1',
    '    hostPort: 10000',
    '    podAddress: 10.1.0.1',
    '    podPort: 80',
    '    pod: >-',
    '      default/web-0',
  ].join('\n'));
  const { spec, diagnostics } = loadSpec([dir]);
  t.deepEqual(diagnostics.map(formatDiagnostic), []);
  t.deepEqual(spec!.services.map((s) => [s.name, s.ports[0]!.targetPort, s.backends[0]!.ports[0]!.port]), [['api', 8080, 8080], ['web', 8080, 8080]]);
  t.is(spec!.hostPorts[0]!.pod, 'default/web-0');
  // Ranges still point into the file: api's ports come from the anchored list on line 8.
  t.is(spec!.services[0]!.ports[0]!.at.line, 8);
});

test('a directory is read by file name, symlinked spec files included, other files and subdirectories not', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'spec'));
  mkdirSync(join(dir, 'spec', 'nested.yaml'));
  writeFileSync(join(dir, 'shared-cluster.yaml'), readFileSync('test/spec/twin/cluster.yaml'));
  symlinkSync(join(dir, 'shared-cluster.yaml'), join(dir, 'spec', 'a-cluster.yml'));
  writeFileSync(join(dir, 'spec', 'b-list.yaml'), readFileSync('test/spec/twin/list.yaml'));
  writeFileSync(join(dir, 'spec', 'notes.txt'), 'not a spec: {');
  const { spec, diagnostics } = loadSpec([join(dir, 'spec')]);
  t.deepEqual(diagnostics.map(formatDiagnostic), []);
  t.deepEqual(spec!.inputs.map((i) => i.file), [join(dir, 'spec', 'a-cluster.yml'), join(dir, 'spec', 'b-list.yaml')]);
});

test('a file with a UTF-16 byte order mark (Windows PowerShell writes kubectl output so) loads as its UTF-8 twin does', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const text = readFileSync('specs/demo/cluster.yaml', 'utf8');
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(Buffer.from(text, 'utf16le')).swap16()]);
  const strip = (path: string) => {
    const { spec, diagnostics } = loadSpec([path]);
    t.deepEqual(diagnostics.map(formatDiagnostic).map((d) => d.replace(path, '<file>')), []);
    return JSON.stringify({ ...spec, inputs: [] }).split(path).join('<file>');
  };
  const want = strip('specs/demo/cluster.yaml');
  for (const [name, bytes] of [['le.yaml', le], ['be.yaml', be]] as const) {
    writeFileSync(join(dir, name), bytes);
    t.is(strip(join(dir, name)), want, name);
  }
});
