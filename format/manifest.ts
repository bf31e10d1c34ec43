// The artifact manifest: the one file that ties a generated/<cluster>/ directory together.
// Inert and shared: the compiler's emitter writes it, switchyard-node checks it before loading.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: number;
  /** `switchyard <version>`. */
  generator: string;
  cluster: string;
  /** sha256 over the spec inputs, so a node can tell which spec produced the artifacts. */
  inputHash: string;
  /**
   * Counts revisions of this output directory: 1 for the first compile, one more each time a
   * compile's files differ from the previous manifest's, the same when they do not (so
   * recompiling an unchanged spec rewrites nothing). switchyard-node run refuses a generation
   * older than the one applied. Absent in manifests from before it existed.
   */
  generation?: number;
  nodes: Record<string, NodeArtifacts>;
  /**
   * Optional: maps in the order switchyard-node writes their new entries, tables that others
   * point into (backends, reverse NAT, Maglev) before the tables that point into them
   * (services); stale entries go in the reverse order, after the switch. Without it, maps are
   * written in the order their files first appear in a node's `maps`.
   */
  mapOrder?: string[];
  /** Every file under the directory but the manifest itself: relative path (with `/`) → sha256 hex. */
  files: Record<string, string>;
}

export interface NodeArtifacts {
  /** The node's BPF ELF object, relative to the cluster directory; absent until a datapath exists. */
  object?: string;
  /**
   * The zone whose layer (zones/<zone>/maps/) the node applies, when its zone has one: for
   * readers; `maps` already lists the layer's files.
   */
  zone?: string;
  /**
   * Map-contents files (see map-contents.ts) that together make the node's map state, in order:
   * cluster-wide files first, then its zone's, then the node's own; a later file's entry
   * replaces an earlier one's with the same key.
   */
  maps: string[];
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Files under `dir`, relative, `/`-separated, sorted; the manifest excluded. */
export function listArtifactFiles(dir: string): string[] {
  const out: string[] = [];
  // File types from the directory listing: a stat per file was most of this walk at 100 nodes
  // (every apply lists the directory). Symbolic links are followed, as stat follows them.
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && statSync(p).isDirectory())) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => f !== MANIFEST_FILE).sort();
}

export function parseManifest(text: string, source = MANIFEST_FILE): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message}); regenerate with 'switchyard compile'`);
  }
  const o = m as Partial<Manifest>;
  if (typeof o !== 'object' || o === null || typeof o.format !== 'number') {
    throw new Error(`${source}: not a switchyard manifest (no "format")`);
  }
  if (o.format !== MANIFEST_FORMAT) {
    throw new Error(
      `${source}: format ${o.format}, this switchyard reads format ${MANIFEST_FORMAT}; ` +
        'compile the spec with a matching switchyard',
    );
  }
  for (const key of ['generator', 'cluster', 'inputHash'] as const) {
    if (typeof o[key] !== 'string') throw new Error(`${source}: "${key}" missing or not a string`);
  }
  if (o.generation !== undefined && !(Number.isSafeInteger(o.generation) && o.generation >= 1)) {
    throw new Error(`${source}: "generation" is ${JSON.stringify(o.generation)}, not a positive integer`);
  }
  if (typeof o.nodes !== 'object' || o.nodes === null) throw new Error(`${source}: "nodes" missing`);
  if (typeof o.files !== 'object' || o.files === null) throw new Error(`${source}: "files" missing`);
  for (const [name, n] of Object.entries(o.nodes)) {
    if (n.zone !== undefined && typeof n.zone !== 'string') throw new Error(`${source}: node ${name}: "zone" is not a string`);
  }
  return o as Manifest;
}

/** Deterministic JSON: keys of `files` and `nodes` sorted, two-space indent, final newline. */
export function formatManifest(m: Manifest): string {
  const sortKeys = <T>(r: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
  return JSON.stringify({ ...m, nodes: sortKeys(m.nodes), files: sortKeys(m.files) }, null, 2) + '\n';
}

/**
 * Problems that make a directory unsafe to load: files missing, changed, or not in the manifest.
 * An empty list means every byte is what the compiler wrote.
 */
export function checkArtifacts(dir: string, m: Manifest): string[] {
  const problems = checkPresence(dir, m);
  for (const file of Object.keys(m.files)) checkedRead(dir, m, file, problems);
  return problems;
}

/** Files listed but missing, and files present but not listed: a directory listing, nothing read. */
export function checkPresence(dir: string, m: Manifest): string[] {
  const problems: string[] = [];
  const present = new Set(listArtifactFiles(dir));
  for (const file of Object.keys(m.files)) if (!present.has(file)) problems.push(`${file}: listed in the manifest but missing`);
  for (const file of present) if (!(file in m.files)) problems.push(`${file}: present but not in the manifest`);
  return problems;
}

/**
 * A file's bytes, read once and checked against the manifest's sha256 where they are read; a
 * mismatch (or a file the manifest does not list) is added to `problems` and gives undefined.
 * Missing files are checkPresence's to report.
 */
export function checkedRead(dir: string, m: Manifest, file: string, problems: string[]): Buffer | undefined {
  const want = m.files[file];
  if (want === undefined) {
    problems.push(`${file}: named by the manifest's nodes but not in its files`);
    return undefined;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, file));
  } catch {
    return undefined;
  }
  const got = sha256Hex(bytes);
  if (got === want) return bytes;
  problems.push(`${file}: sha256 ${got.slice(0, 12)}… but the manifest says ${want.slice(0, 12)}…`);
  return undefined;
}

/**
 * The generation of a compile whose files hash to `files`, given the manifest the output directory
 * held before: the same when nothing changed, one more when anything did, 1 for a first compile.
 */
export function nextGeneration(files: Record<string, string>, previous: Pick<Manifest, 'files' | 'generation'> | undefined): number {
  if (!previous) return 1;
  const before = Object.entries(previous.files);
  const same = before.length === Object.keys(files).length && before.every(([f, h]) => files[f] === h);
  return same ? (previous.generation ?? 1) : (previous.generation ?? 0) + 1;
}
