// Builds generated/<cluster>-shaped artifact directories around the socklb object for the
// runtime tests: the object (socklb-object.ts), map contents for services and backends, and a
// manifest with every file's sha256, as the compiler's emitter writes them.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMapContents, type MapEntry } from '../../format/map-contents.ts';
import { formatManifest, listArtifactFiles, MANIFEST_FILE, MANIFEST_FORMAT, sha256Hex } from '../../format/manifest.ts';
import { socklbObject, type SocklbVariant } from './socklb-object.ts';

export interface Service {
  vip: string;
  port: number;
  /** Backend ids, in slot order. */
  backends: number[];
}

export interface Backend {
  id: number;
  addr: string;
  port: number;
}

const ip4 = (s: string) => new Uint8Array(s.split('.').map(Number));

/** services: key { vip, port (network order), slot }, value { backend count | backend id }. */
export function serviceEntries(services: Service[]): MapEntry[] {
  const out: MapEntry[] = [];
  for (const s of services) {
    s.backends.forEach((_, i) => out.push(svcEntry(s, i + 1, s.backends[i]!)));
    out.push(svcEntry(s, 0, s.backends.length));
  }
  return out;
}

function svcEntry(s: Service, slot: number, value: number): MapEntry {
  const key = new Uint8Array(8);
  key.set(ip4(s.vip), 0);
  new DataView(key.buffer).setUint16(4, s.port, false);
  new DataView(key.buffer).setUint16(6, slot, true);
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, value, true);
  return { key, value: v };
}

/** backends: key id, value { addr, port (network order), pad }. */
export function backendEntries(backends: Backend[]): MapEntry[] {
  return backends.map((b) => {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, b.id, true);
    const value = new Uint8Array(8);
    value.set(ip4(b.addr), 0);
    new DataView(value.buffer).setUint16(4, b.port, false);
    return { key, value };
  });
}

export interface ArtifactSpec {
  cluster?: string;
  node: string;
  object: Uint8Array;
  /** Map name → entries, written as one cluster-wide contents file each, in this order. */
  contents: Array<{ map: string; keySize: number; valueSize: number; entries: MapEntry[] }>;
  /** The manifest's mapOrder, when the test wants one. */
  mapOrder?: string[];
}

/** Writes a cluster directory: nodes/<node>.o, maps/<map>.symc, manifest.json. */
export function writeArtifacts(dir: string, spec: ArtifactSpec): void {
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  mkdirSync(join(dir, 'maps'), { recursive: true });
  writeFileSync(join(dir, 'nodes', `${spec.node}.o`), spec.object);
  const maps: string[] = [];
  for (const c of spec.contents) {
    const file = `maps/${c.map}.symc`;
    writeFileSync(join(dir, file), encodeMapContents(c));
    maps.push(file);
  }
  const files = Object.fromEntries(listArtifactFiles(dir).map((f) => [f, sha256Hex(readFileSync(join(dir, f)))]));
  writeFileSync(
    join(dir, MANIFEST_FILE),
    formatManifest({
      format: MANIFEST_FORMAT,
      generator: 'switchyard test',
      cluster: spec.cluster ?? 'test',
      inputHash: sha256Hex(JSON.stringify(spec.contents.map((c) => c.map))),
      nodes: { [spec.node]: { object: `nodes/${spec.node}.o`, maps } },
      ...(spec.mapOrder ? { mapOrder: spec.mapOrder } : {}),
      files,
    }),
  );
}

/**
 * The socklb artifacts for `services` and `backends`: the services file listed first, as the
 * compiler's emitter lists them, and mapOrder saying that backends are written first.
 */
export function socklbArtifacts(dir: string, node: string, services: Service[], backends: Backend[], variant: SocklbVariant = {}): void {
  writeArtifacts(dir, {
    node,
    object: socklbObject(variant),
    contents: [
      { map: 'services', keySize: 8, valueSize: 4, entries: serviceEntries(services) },
      { map: 'backends', keySize: 4, valueSize: 8, entries: backendEntries(backends) },
    ],
    mapOrder: ['backends', 'services'],
  });
}
