// A machine-local build cache for datapath objects: compiling BPF-TS costs about a second, and
// its result depends only on the sources of the datapath and of the compiler, the configuration
// and the toolchain's versions, never on services. An object is kept under the sha256 of all of
// those in node_modules/.cache/switchyard/, so every compile after the first on a machine (CI
// included, with its cache restored) reuses it. A cache that cannot be read or written is no
// cache: the compile goes on. SWITCHYARD_NO_CACHE=1 turns it off; SWITCHYARD_NO_CACHE=a,b only
// the folders named (tests compare a compile without them against one with them). The verifier's verdicts on
// those objects are kept the same way, in a folder of their own (verify-objects.ts).

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import type { CompiledProgram } from '../lang/compile.ts';

/** What a compile of one feature set produced, as the cache holds it. */
export interface CachedObject {
  elf: Uint8Array;
  listing: string;
  programs: CompiledProgram[];
  /** Warnings of the compile (a compile with errors is never cached). */
  diagnostics: Diagnostic[];
}

/** Objects kept; older ones (by last write) go when a new one is stored. */
const KEEP = 32;

/** Directories (relative to the repository root) whose files decide an object's bytes. */
const INPUT_DIRS = ['compiler/datapath', 'compiler/lang', 'compiler/bpf', 'format', 'verifier'];
// Installed as a package, the compiler's sources are not there: its bundle and version stand in
// for them, so that an upgrade of the package never reuses an older compiler's objects.
const INPUT_FILES = [
  'compiler/diagnostics.ts',
  'compiler/datapath-build/objects.ts',
  'compiler/datapath-build/cache.ts',
  'node_modules/typescript/package.json',
  'node_modules/ts-morph/package.json',
  'dist/switchyard.js',
  'dist/switchyard-compiler.cjs',
  'package.json',
];

/**
 * node_modules/.cache under the repository's root; installed as a package (its root inside a
 * project's node_modules/), the project's node_modules/.cache, which CI caches keep.
 */
export function cacheDir(root: string, folder: string): string {
  let modules = dirname(root);
  if (basename(modules).startsWith('@')) modules = dirname(modules);
  const base = basename(modules) === 'node_modules' ? modules : join(root, 'node_modules');
  return join(base, '.cache', 'switchyard', folder);
}

function filesUnder(root: string, dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return;
  }
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (statSync(join(root, p)).isDirectory()) filesUnder(root, p, out);
    else if (n.endsWith('.ts') || n.endsWith('.json')) out.push(p);
  }
}

let sourcesDigest: { root: string; digest: string } | undefined;
/** sha256 over every input file's path and contents, once per process (sources do not change under a compile). */
function sourcesHash(root: string): string {
  if (sourcesDigest?.root === root) return sourcesDigest.digest;
  const h = createHash('sha256');
  const files: string[] = [];
  for (const d of INPUT_DIRS) filesUnder(root, d, files);
  files.push(...INPUT_FILES);
  for (const f of files) {
    h.update(relative(root, join(root, f)));
    h.update('\0');
    try {
      h.update(readFileSync(join(root, f)));
    } catch {
      h.update('(missing)');
    }
    h.update('\0');
  }
  sourcesDigest = { root, digest: h.digest('hex') };
  return sourcesDigest.digest;
}

/** Whether SWITCHYARD_NO_CACHE leaves this cache folder on. */
export function cacheEnabled(folder: string): boolean {
  const off = process.env.SWITCHYARD_NO_CACHE;
  return !(off === '1' || (off !== undefined && off.split(',').includes(folder)));
}

export class DatapathCache {
  private readonly dir: string;
  readonly enabled: boolean;

  /** `folder`: datapath objects, or another kind of result keyed the same way (verdicts). */
  constructor(private readonly root: string, folder = 'datapath') {
    this.dir = cacheDir(root, folder);
    this.enabled = cacheEnabled(folder);
  }

  /** The key of one feature set's object: the sources, and whatever else the compile is given. */
  key(what: unknown): string {
    return createHash('sha256').update(sourcesHash(this.root)).update(JSON.stringify(what)).digest('hex');
  }

  get(key: string): CachedObject | undefined {
    const o = this.getJson<Omit<CachedObject, 'elf'> & { elf: string }>(key);
    return o && { ...o, elf: new Uint8Array(Buffer.from(o.elf, 'base64')) };
  }

  put(key: string, o: CachedObject): void {
    this.putJson(key, { ...o, elf: Buffer.from(o.elf).toString('base64') });
  }

  getJson<T>(key: string): T | undefined {
    if (!this.enabled) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  putJson(key: string, value: unknown): void {
    if (!this.enabled) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Written aside and renamed: a reader never sees half a file.
      const tmp = join(this.dir, `.${key}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, join(this.dir, `${key}.json`));
      this.prune();
    } catch {
      // A read-only checkout compiles every time; nothing else changes.
    }
  }

  private prune(): void {
    const entries = readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => ({ n, t: statSync(join(this.dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const e of entries.slice(KEEP)) rmSync(join(this.dir, e.n), { force: true });
  }
}
