// Reads one node's artifacts from a generated/<cluster>/ directory and checks them before
// anything touches the kernel: the sha256 of every file the node reads against the manifest, and
// that no file is missing or unlisted (tampered or stale artifacts are refused), the BPF object
// parsed and linked, the map contents layered per map and matched against the object's map
// definitions.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedRead, checkPresence, MANIFEST_FILE, parseManifest, sha256Hex, type Manifest } from '../format/manifest.ts';
import { decodeMapContentsPacked } from '../format/map-contents.ts';
import { loadableFromElf } from './object-from-elf.ts';
import { mergeLayers, type Records } from './records.ts';
import { contentsHash } from './state.ts';
import { verifierHash, verifyPrograms } from './verify.ts';
import type { LoadableObject, MapDef } from './object.ts';

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** The WebAssembly verifier refused the object: the agent counts these apart from other refusals. */
export class VerifierRefusedError extends ArtifactError {
  constructor(message: string) {
    super(message);
    this.name = 'VerifierRefusedError';
  }
}

export interface DesiredMap {
  def: MapDef;
  /** Layered contents, or undefined when no contents file names this map (left as it is). */
  records?: Records;
  /** sha256 naming `records`: the contents file's own when the map has one file, else contentsHash. */
  hash?: string;
  /** The contents file as the compiler wrote it, when the map's contents are that one file. */
  file?: { bytes: Uint8Array; hash: string };
}

export interface NodeArtifactSet {
  dir: string;
  manifest: Manifest;
  /** sha256 of manifest.json: the identity of what is applied. */
  manifestHash: string;
  node: string;
  objectPath: string;
  objectHash: string;
  /** The object file's bytes, for the WebAssembly verifier's check before loading. */
  objectElf: Uint8Array;
  object: LoadableObject;
  /**
   * Every map of the object, in write order: maps with contents first, in the manifest's
   * `mapOrder` (referenced tables such as backends before the tables that point into them),
   * or in the order their files first appear when it has none; then the object's other maps.
   */
  maps: DesiredMap[];
}

export function readNodeArtifacts(dir: string, node: string): NodeArtifactSet {
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifestBytes: Buffer;
  try {
    manifestBytes = readFileSync(manifestPath);
  } catch (e) {
    throw new ArtifactError(`read ${manifestPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; pass the generated/<cluster> directory that switchyard compile wrote`);
  }
  const manifest = parseManifest(manifestBytes.toString('utf8'), manifestPath);
  const entry = manifest.nodes[node];
  if (!entry) {
    const known = Object.keys(manifest.nodes).sort();
    throw new ArtifactError(`node ${node} is not in ${manifestPath} (cluster ${manifest.cluster}); known nodes: ${known.join(', ') || 'none'}; check --node`);
  }
  if (!entry.object) {
    throw new ArtifactError(`node ${node} in ${manifestPath} has no BPF object; compile with a datapath (switchyard compile) first`);
  }
  // Every file this node reads is checked against its sha256 as it is read, once; the files of
  // other nodes, listings and tables are never read here, so they are not hashed either (that
  // was most of an apply's time at 100 nodes). Missing and unlisted files are still refused.
  const problems = checkPresence(dir, manifest);
  const objectBytes = checkedRead(dir, manifest, entry.object, problems);
  const contents = new Map<string, Buffer | undefined>();
  for (const file of entry.maps) if (!contents.has(file)) contents.set(file, checkedRead(dir, manifest, file, problems));
  if (problems.length || !objectBytes || [...contents.values()].some((b) => !b)) {
    throw new ArtifactError(
      `refusing to load ${dir}: ${problems.length} file(s) do not match ${MANIFEST_FILE} (tampered with, or stale: changed after compiling):\n` +
        problems.map((p) => `  ${p}`).join('\n') +
        `\nnothing was changed on this node; compile the spec again (switchyard compile) and copy the whole directory`,
    );
  }
  const objectPath = join(dir, entry.object);
  let object: LoadableObject;
  try {
    object = loadableFromElf(objectBytes, entry.object);
  } catch (e) {
    throw new ArtifactError(`read BPF object ${entry.object}: ${(e as Error).message}`);
  }
  const defs = new Map(object.maps.map((m) => [m.name, m]));
  const layers = new Map<string, Records[]>();
  const files = new Map<string, { bytes: Uint8Array; hash: string }>();
  for (const file of entry.maps) {
    const bytes = contents.get(file)!;
    const p = decodeMapContentsPacked(bytes, file);
    const def = defs.get(p.map);
    if (!def) {
      throw new ArtifactError(`${file}: contents for map ${p.map}, which ${entry.object} does not define (its maps: ${[...defs.keys()].join(', ')}); compile again`);
    }
    if (p.keySize !== def.keySize || p.valueSize !== def.valueSize) {
      throw new ArtifactError(
        `${file}: map ${p.map} entries are ${p.keySize}/${p.valueSize} bytes (key/value), the object's map takes ${def.keySize}/${def.valueSize}; compile again`,
      );
    }
    const list = layers.get(p.map) ?? layers.set(p.map, []).get(p.map)!;
    list.push({ keySize: p.keySize, valueSize: p.valueSize, count: p.count, bytes: p.records });
    files.set(p.map, { bytes, hash: manifest.files[file]! });
  }
  const maps: DesiredMap[] = [];
  const order = writeOrder([...layers.keys()], manifest.mapOrder);
  for (const name of order) {
    const list = layers.get(name)!;
    const records = mergeLayers(list);
    // One file: its sha256 (already checked against the manifest) names the contents as they are.
    const file = list.length === 1 ? files.get(name)! : undefined;
    maps.push({ def: defs.get(name)!, records, hash: file?.hash ?? contentsHash(name, records), ...(file ? { file } : {}) });
  }
  for (const def of object.maps) if (!layers.has(def.name)) maps.push({ def });

  return {
    dir,
    manifest,
    manifestHash: sha256Hex(manifestBytes),
    node,
    objectPath,
    objectHash: manifest.files[entry.object] ?? sha256Hex(objectBytes),
    objectElf: objectBytes,
    object,
    maps,
  };
}

/**
 * Maps with contents in write order: those `mapOrder` names, in its order, then any it misses in
 * the order their files appear (a manifest from before mapOrder, or one that forgot a map).
 */
export function writeOrder(withContents: string[], mapOrder: string[] | undefined): string[] {
  if (!mapOrder) return withContents;
  const known = mapOrder.filter((m) => withContents.includes(m));
  return [...known, ...withContents.filter((m) => !known.includes(m))];
}

/**
 * Refuses an object the WebAssembly verifier rejects. Called just before programs are loaded,
 * so an object already applied (same bytes, verified then) is not checked again on every update.
 * Returns what the node's snapshot records as verified: the object's sha256 with the verifier's.
 */
export function refuseUnverified(a: NodeArtifactSet): string {
  const problems = verifyPrograms(a.objectElf, a.manifest.nodes[a.node]!.object!);
  if (problems.length === 0) return verifiedId(a);
  throw new VerifierRefusedError(
    `the WebAssembly verifier refused ${a.manifest.nodes[a.node]!.object}:\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
      'nothing was changed on this node; compile the spec again with this switchyard version (switchyard compile), ' +
      'or, where this is a false alarm of the WebAssembly verifier, apply --no-verify and let the kernel decide',
  );
}

/** The object as verified by this verifier: what a snapshot's `verified` holds after a clean check. */
export function verifiedId(a: NodeArtifactSet): string {
  return `${a.objectHash}:${verifierHash()}`;
}
