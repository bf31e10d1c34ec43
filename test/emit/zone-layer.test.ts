// The zone layer (plan/zone-tables.ts): zone-narrowed sets are written once per zone, so hinted
// services cost entries per zone, and nodes added to a zone cost only their own files.

import test from 'ava';
import { LB4_KEY, LB_SERVICE, offsets } from '../../compiler/emit/map-layouts.ts';
import { decodeMapContentsPacked } from '../../format/map-contents.ts';
import { mergeLayers } from '../../runtime/records.ts';
import { backend, node, service, spec } from '../plan/helpers.ts';
import { compileSpec } from './helpers.ts';
import { BACKENDS_PER_SERVICE, hintedSpec } from './hinted-spec.ts';

type Files = Map<string, Uint8Array>;

const under = (files: Files, prefix: string): Map<string, Uint8Array> => new Map([...files].filter(([p]) => p.startsWith(prefix)));
const bytes = (files: Map<string, Uint8Array>): number => [...files.values()].reduce((n, b) => n + b.length, 0);
/** Records of one map-contents file. */
const count = (b: Uint8Array): number => decodeMapContentsPacked(b, 'test').count;

test('zone-narrowed entries live once per zone; a zoned node applies cluster, zone, then its own files', (t) => {
  const { set } = compileSpec(hintedSpec({ nodes: 6, services: 10, zones: 3 }));
  const zones = [...set.files.keys()].filter((p) => p.startsWith('zones/') && p.endsWith('/services.txt'));
  t.deepEqual(zones, ['zones/zone-0/services.txt', 'zones/zone-1/services.txt', 'zones/zone-2/services.txt']);
  // 10 services, each narrowed in each of the 3 zones: one ClusterIP entry per service per zone.
  const lines = Buffer.from(set.files.get('zones/zone-0/services.txt')!).toString('utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  t.is(lines.length, 10);
  // Slot 0 and 2 backends of the zone (6 backends over 3 zones) per service.
  t.is(count(set.files.get('zones/zone-0/maps/lb4_services.bin')!), 10 * (1 + BACKENDS_PER_SERVICE / 3));
  // The nodes hold nothing of the services: only their node_config.
  for (const [path] of under(set.files, 'nodes/')) if (path.includes('/maps/')) t.regex(path, /\/maps\/node_config\.bin$/);
  const node1 = set.manifest.nodes['node1']!;
  t.is(node1.zone, 'zone-0');
  const zoneFiles = node1.maps.filter((m) => m.startsWith('zones/'));
  t.deepEqual(zoneFiles, ['zones/zone-0/maps/lb4_services.bin']);
  // Cluster-wide files first, then the zone's, then the node's own: later files win.
  const at = (p: string) => node1.maps.indexOf(p);
  t.true(at('maps/lb4_services.bin') < at(zoneFiles[0]!));
  t.true(at(zoneFiles[0]!) < at('nodes/node1/maps/node_config.bin'));
});

test('doubling the nodes of every zone leaves the zone layer byte for byte as it was', (t) => {
  const small = compileSpec(hintedSpec({ nodes: 30, services: 40, zones: 3 })).set.files;
  const big = compileSpec(hintedSpec({ nodes: 60, services: 40, zones: 3 })).set.files;
  t.deepEqual([...under(big, 'zones/').keys()], [...under(small, 'zones/').keys()]);
  // Backends sit on other nodes in the bigger cluster, so IDs and zone sets may differ: sizes
  // are what must not grow.
  t.is(bytes(under(big, 'zones/')), bytes(under(small, 'zones/')));
  // A node costs its own small files only, the same whatever the cluster's size.
  const node1 = (files: Files) => [...under(files, 'nodes/node1/')].map(([p, b]) => `${p} ${Buffer.from(b).toString('base64')}`);
  t.deepEqual(node1(big), node1(small));
});

test('hinted services on more nodes cost services + nodes, not services × nodes', (t) => {
  const size = (nodes: number, services: number) => bytes(compileSpec(hintedSpec({ nodes, services, zones: 3 })).set.files);
  const base = size(6, 20);
  const moreNodes = size(60, 20) - base;
  const moreServices = size(6, 40) - base;
  const both = size(60, 40) - base;
  t.log({ base, moreNodes, moreServices, both });
  t.true(both < (moreNodes + moreServices) * 1.1, `${both} vs ${moreNodes} + ${moreServices}`);
});

test('layered as switchyard-node layers them, a node-hinted entry replaces its zone\'s and a zone-mate keeps the zone\'s', (t) => {
  const hinted = (address: string, on: string, zone: string) => backend(address, on, { hints: { forZones: [zone], forNodes: [on] } });
  const { set } = compileSpec(spec({
    nodes: ['a', 'a', 'b', 'a'].map((zone, i) => node(`node${i + 1}`, [`10.0.0.${i + 1}`], [], { zone })),
    services: [service('default/web', { clusterIPs: ['10.5.0.9'], backends: [hinted('10.1.0.1', 'node1', 'a'), hinted('10.2.0.1', 'node2', 'a'), hinted('10.3.0.1', 'node3', 'b')] })],
  }));
  const K = offsets(LB4_KEY);
  const V = offsets(LB_SERVICE);
  /** Backends of the ClusterIP's slot 0 on `name`, after merging its files in manifest order. */
  const countOn = (name: string): number => {
    const layers = set.manifest.nodes[name]!.maps
      .filter((f) => f.endsWith('/lb4_services.bin'))
      .map((f) => {
        const p = decodeMapContentsPacked(set.files.get(f)!, f);
        return { keySize: p.keySize, valueSize: p.valueSize, count: p.count, bytes: p.records };
      });
    const m = mergeLayers(layers);
    const size = m.keySize + m.valueSize;
    for (let i = 0; i < m.count; i++) {
      const r = Buffer.from(m.bytes.subarray(i * size, (i + 1) * size));
      if (r.subarray(K.address!, K.address! + 4).join('.') === '10.5.0.9' && r.readUInt16LE(K.slot!) === 0) return r.readUInt16LE(m.keySize + V.count!);
    }
    throw new Error(`${name}: no slot 0 for 10.5.0.9`);
  };
  // Zone a holds two endpoints; node1 and node2 each keep their own over it (PreferSameNode).
  t.true(set.manifest.nodes['node1']!.maps.includes('nodes/node1/maps/lb4_services.bin'));
  t.is(countOn('node1'), 1);
  t.is(countOn('node2'), 1);
  // node4 runs no endpoint, so no node hint names it: zone a's two it is, from the zone's file.
  t.false(set.manifest.nodes['node4']!.maps.includes('nodes/node4/maps/lb4_services.bin'));
  t.is(countOn('node4'), 2);
  // node3's own endpoint is its zone's only one: the zone's file serves it.
  t.is(countOn('node3'), 1);
  t.deepEqual(set.manifest.nodes['node3']!.maps.filter((f) => f.startsWith('zones/')), ['zones/b/maps/lb4_services.bin']);
});
