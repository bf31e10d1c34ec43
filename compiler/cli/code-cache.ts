// Where the `switchyard` bin keeps V8's code cache of the compiler bundle (launch.ts): one file per
// bundle, Node version and command in the build cache (node_modules/.cache/switchyard/code/), each
// holding the functions its command ran.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../datapath-build/cache.ts';

export const CODE_CACHE_FOLDER = 'code';

/** `bundleDir`: dist/, where the bundle is; `argv`: the command line after `switchyard`. */
export function codeCachePath(bundleDir: string, source: string, argv: readonly string[]): { dir: string; version: string; path: string } {
  const dir = cacheDir(dirname(bundleDir), CODE_CACHE_FOLDER);
  const version = createHash('sha256').update(process.version).update('\0').update(source).digest('hex').slice(0, 32);
  const command = /^[a-z]+$/.test(argv[0] ?? '') ? argv[0]! : 'other';
  return { dir, version, path: join(dir, `${version}-${command}.bin`) };
}

/** Written aside and renamed; caches of other bundles or Node versions go. Failures are no cache. */
export function writeCodeCache(at: { dir: string; version: string; path: string }, data: Buffer): void {
  try {
    mkdirSync(at.dir, { recursive: true });
    const tmp = `${at.path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, at.path);
    for (const n of readdirSync(at.dir)) if (!n.startsWith(at.version)) rmSync(join(at.dir, n), { force: true });
  } catch {
    // a read-only install starts without it each time
  }
}
