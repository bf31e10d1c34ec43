import test from 'ava';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { decodeMapContents, encodeMapContents } from '../format/map-contents.ts';
import { checkArtifacts, formatManifest, listArtifactFiles, parseManifest, sha256Hex, MANIFEST_FORMAT } from '../format/manifest.ts';

test('map contents round-trip and come out sorted by key', (t) => {
  const k = (n: number) => new Uint8Array([0, n]);
  const bytes = encodeMapContents({
    map: 'lb4_services', keySize: 2, valueSize: 1,
    entries: [{ key: k(2), value: new Uint8Array([20]) }, { key: k(1), value: new Uint8Array([10]) }],
  });
  const back = decodeMapContents(bytes);
  t.is(back.map, 'lb4_services');
  t.deepEqual(back.entries.map((e) => [...e.key, ...e.value]), [[0, 1, 10], [0, 2, 20]]);
  t.throws(() => decodeMapContents(bytes.subarray(0, bytes.length - 1)), { message: /bytes, expected/ });
});

test('map contents refuse a key twice and a wrong-sized entry', (t) => {
  const e = { key: new Uint8Array([1]), value: new Uint8Array([1]) };
  t.throws(() => encodeMapContents({ map: 'm', keySize: 1, valueSize: 1, entries: [e, e] }), { message: /twice/ });
  t.throws(() => encodeMapContents({ map: 'm', keySize: 2, valueSize: 1, entries: [e] }), { message: /expected 2\/1/ });
});

test('the manifest check names missing, changed and unlisted files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-manifest-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'nodes'));
  writeFileSync(join(dir, 'a.txt'), 'a');
  writeFileSync(join(dir, 'nodes', 'b.txt'), 'b');
  const m = parseManifest(formatManifest({
    format: MANIFEST_FORMAT, generator: 'switchyard test', cluster: 'c', inputHash: 'x', nodes: {},
    files: { 'a.txt': sha256Hex('a'), 'nodes/b.txt': sha256Hex('b') },
  }));
  t.deepEqual(listArtifactFiles(dir), ['a.txt', 'nodes/b.txt']);
  t.deepEqual(checkArtifacts(dir, m), []);
  writeFileSync(join(dir, 'a.txt'), 'tampered');
  writeFileSync(join(dir, 'extra'), '');
  rmSync(join(dir, 'nodes', 'b.txt'));
  const problems = checkArtifacts(dir, m);
  t.is(problems.length, 3);
  t.regex(problems.join('\n'), /a\.txt: sha256 .* but the manifest says/);
  t.regex(problems.join('\n'), /nodes\/b\.txt: listed in the manifest but missing/);
  t.regex(problems.join('\n'), /extra: present but not in the manifest/);
  t.throws(() => parseManifest('{"format": 99}'), { message: /format 99/ });
});

test('a node\'s zone layer in the manifest: read back as written, refused when not a name', (t) => {
  const base = { format: MANIFEST_FORMAT, generator: 'switchyard test', cluster: 'c', inputHash: 'x', files: {} };
  const maps = ['maps/lb4_services.bin', 'zones/a/maps/lb4_services.bin', 'nodes/n1/maps/node_config.bin'];
  const m = parseManifest(formatManifest({ ...base, nodes: { n1: { zone: 'a', maps } } }));
  t.is(m.nodes['n1']!.zone, 'a');
  t.deepEqual(m.nodes['n1']!.maps, maps);
  t.throws(() => parseManifest(JSON.stringify({ ...base, nodes: { n1: { zone: 7, maps } } })), { message: /node n1: "zone" is not a string/ });
});
