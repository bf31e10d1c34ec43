// Renders a plan into the files of generated/<cluster>/, in memory: review tables, the lock,
// map layouts, binary map contents (cluster-wide once, per zone and per node only what differs) and the
// manifest that lists them all with their sha256. Writing them is write-output.ts's job.

import { encodeMapContentsPacked } from '../../format/map-contents.ts';
import { formatManifest, MANIFEST_FILE, MANIFEST_FORMAT, nextGeneration, sha256Hex, type Manifest } from '../../format/manifest.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { formatLock, LOCK_FILE } from '../plan/lock.ts';
import type { Plan } from '../plan/types.ts';
import type { Spec } from '../spec/types.ts';
import { checkCapacity } from './check-capacity.ts';
import { checkNodeConfig } from './check-node-config.ts';
import { listingPath, objectPath, type DatapathObject } from '../datapath-build/objects.ts';
import { encodeMaps } from './encode-maps.ts';
import { MAP } from './map-layouts.ts';
import type { RecordBuffer } from './record-buffer.ts';
import { layoutsJson } from './layouts-json.ts';
import { backendsTable, maglevTable, nodeConfigText, nodeServicesTable, servicesTable, zoneServicesTable } from './text-tables.ts';
import { GENERATOR } from './version.ts';

export interface ArtifactSet {
  cluster: string;
  /** Relative path (`/`-separated) → bytes, manifest included. */
  files: Map<string, Uint8Array>;
  manifest: Manifest;
}

const isServiceMap = (name: string): boolean => name === MAP.services4 || name === MAP.services6;

/** sha256 over the inputs' contents, sorted: the same spec hashes the same from any directory. */
export function inputHash(inputs: Spec['inputs']): string {
  return sha256Hex(inputs.map((i) => i.sha256).sort().join('\n'));
}

/**
 * `objects`: the datapath build's; without them (tests of the tables alone) nodes name no object.
 * `previous`: the manifest the output directory holds, whose generation this one continues.
 */
export function renderArtifacts(plan: Plan, inputs: Spec['inputs'], objects: readonly DatapathObject[] = [], previous?: Manifest): { artifacts?: ArtifactSet; diagnostics: Diagnostic[] } {
  const encoded = encodeMaps(plan);
  const diagnostics = [...checkCapacity(encoded, plan.cluster), ...checkNodeConfig(plan.model.nodes)];
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const files = new Map<string, Uint8Array>();
  const text = (path: string, s: string): void => void files.set(path, Buffer.from(s, 'utf8'));
  text(LOCK_FILE, formatLock(plan.lock));
  text('maps.json', layoutsJson(encoded.layouts));
  text('services.txt', servicesTable(plan));
  text('backends.txt', backendsTable(plan));
  if (plan.cluster.datapath.algorithm === 'maglev') text('maglev.txt', maglevTable(plan.maglev));

  const mapFile = (r: RecordBuffer): Uint8Array =>
    encodeMapContentsPacked({ map: r.map, keySize: r.keySize, valueSize: r.valueSize, count: r.count, records: r.packed() });
  // Maps that others point into first, services last: a node loading the files in this order
  // never holds a service slot whose backend is not there yet.
  const clusterMaps: string[] = [];
  for (const c of [...encoded.cluster].sort((a, b) => Number(isServiceMap(a.map)) - Number(isServiceMap(b.map)))) {
    const path = `maps/${c.map}.bin`;
    files.set(path, mapFile(c));
    clusterMaps.push(path);
  }
  const objectOf = new Map<string, string>();
  for (const o of objects) {
    files.set(objectPath(o), o.elf);
    text(listingPath(o), o.listing);
    for (const n of o.nodes) objectOf.set(n, objectPath(o));
  }
  // Zone layers: applied by every node of the zone, between the cluster-wide files and its own.
  const zoneMaps = new Map<string, string[]>();
  for (const z of plan.zones) {
    const dir = `zones/${z.zone}`;
    text(`${dir}/services.txt`, zoneServicesTable(z.zone, z.entries));
    if (z.maglev.length) text(`${dir}/maglev.txt`, maglevTable(z.maglev));
    const own: string[] = [];
    for (const c of encoded.zones.get(z.zone) ?? []) {
      const path = `${dir}/maps/${c.map}.bin`;
      files.set(path, mapFile(c));
      own.push(path);
    }
    zoneMaps.set(z.zone, own);
  }
  const nodes: Manifest['nodes'] = {};
  const configs = new Map(plan.nodeConfigs.map((c) => [c.name, c]));
  for (const t of plan.nodes) {
    const name = t.node.name;
    const dir = `nodes/${name}`;
    text(`${dir}/config.txt`, nodeConfigText(configs.get(name)!));
    text(`${dir}/services.txt`, nodeServicesTable(name, t.entries));
    if (t.maglev.length) text(`${dir}/maglev.txt`, maglevTable(t.maglev));
    const own: string[] = [];
    for (const c of encoded.nodes.get(name) ?? []) {
      const path = `${dir}/maps/${c.map}.bin`;
      files.set(path, mapFile(c));
      own.push(path);
    }
    const object = objectOf.get(name);
    const zone = t.node.zone !== undefined ? zoneMaps.get(t.node.zone) : undefined;
    nodes[name] = {
      ...(object ? { object } : {}),
      ...(zone ? { zone: t.node.zone } : {}),
      maps: [...clusterMaps, ...(zone ?? []), ...own],
    };
  }

  const hashes: Record<string, string> = {};
  for (const [path, bytes] of files) hashes[path] = sha256Hex(bytes);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    generator: GENERATOR,
    cluster: plan.cluster.name,
    inputHash: inputHash(inputs),
    generation: nextGeneration(hashes, previous),
    nodes,
    files: hashes,
  };
  text(MANIFEST_FILE, formatManifest(manifest));
  return { artifacts: { cluster: plan.cluster.name, files, manifest }, diagnostics };
}
