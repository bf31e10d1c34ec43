// Puts an ArtifactSet on disk as generated/<cluster>/, atomically: the files go into a temp
// directory beside it, then the old directory steps aside and the new one is renamed into place.
// Node has no renameat2(RENAME_EXCHANGE), so there is a moment with the old directory under a
// side name; whoever runs next (compile, check) moves it back if the swap never finished.
// Either way an interrupted compile leaves the old output whole. Files whose bytes are unchanged
// are hard links to the old directory's, so a small change writes little.

import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listArtifactFiles, MANIFEST_FILE, parseManifest, type Manifest } from '../../format/manifest.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { emptyLock, LOCK_FILE, parseLock, type Lock } from '../plan/lock.ts';
import type { ArtifactSet } from './artifacts.ts';

/** Steps after which tests (and SWITCHYARD_INTERRUPT_AT) can stop a write dead. */
export type InterruptPoint = 'temp-written' | 'old-retired';

const tempName = (cluster: string): string => `.${cluster}.tmp-${process.pid}`;
const oldPrefix = (cluster: string): string => `.${cluster}.old-`;

/** Undoes a swap that stopped halfway and clears temp directories left by dead compiles. */
export function recoverInterrupted(outRoot: string, cluster: string): void {
  if (!existsSync(outRoot)) return;
  const dir = join(outRoot, cluster);
  for (const name of readdirSync(outRoot).sort()) {
    if (name.startsWith(oldPrefix(cluster))) {
      if (!existsSync(dir)) renameSync(join(outRoot, name), dir);
      else rmSync(join(outRoot, name), { recursive: true, force: true });
    } else if (name.startsWith(`.${cluster}.tmp-`)) {
      rmSync(join(outRoot, name), { recursive: true, force: true });
    }
  }
}

/** The lock of the previous compile, or an empty one when there is none yet. */
export function readPreviousLock(outRoot: string, cluster: string): { lock: Lock; diagnostics: Diagnostic[] } {
  const dir = join(outRoot, cluster);
  let path = join(dir, LOCK_FILE);
  if (!existsSync(path) && existsSync(outRoot)) {
    // A swap cut short: the previous output sits under its side name until the next write.
    const old = readdirSync(outRoot).sort().find((n) => n.startsWith(oldPrefix(cluster)));
    if (old) path = join(outRoot, old, LOCK_FILE);
  }
  if (!existsSync(path)) return { lock: emptyLock(), diagnostics: [] };
  return parseLock(readFileSync(path, 'utf8'), path);
}

/**
 * The manifest of the previous compile, for its generation; undefined when there is none or it
 * cannot be read (the next generation is then 1, as for a first compile).
 */
export function readPreviousManifest(outRoot: string, cluster: string): Manifest | undefined {
  const path = join(outRoot, cluster, MANIFEST_FILE);
  try {
    return parseManifest(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
}

/**
 * What differs between the set and the directory: files whose bytes differ, files missing, and
 * files present but no longer produced. Empty when the directory is up to date.
 */
export function staleFiles(outRoot: string, set: ArtifactSet): string[] {
  return compareWithDir(outRoot, set).stale;
}

/** staleFiles, and the files whose bytes on disk are already the set's (write links those). */
function compareWithDir(outRoot: string, set: ArtifactSet): { stale: string[]; same: Set<string> } {
  const dir = join(outRoot, set.cluster);
  const same = new Set<string>();
  if (!existsSync(dir)) return { stale: [`${set.cluster}/: missing`], same };
  const out: string[] = [];
  for (const [path, bytes] of set.files) {
    let old: Buffer;
    try {
      old = readFileSync(join(dir, path));
    } catch {
      out.push(`${set.cluster}/${path}: missing`);
      continue;
    }
    if (old.equals(bytes)) same.add(path);
    else out.push(`${set.cluster}/${path}: differs`);
  }
  for (const path of listArtifactFiles(dir)) {
    if (!set.files.has(path)) out.push(`${set.cluster}/${path}: no longer generated`);
  }
  if (existsSync(join(dir, 'manifest.json')) && !set.files.has('manifest.json')) out.push(`${set.cluster}/manifest.json: no longer generated`);
  return { stale: out.sort(), same };
}

export interface WriteResult {
  dir: string;
  /** False when the directory already held exactly these files. */
  changed: boolean;
  bytes: number;
}

/**
 * `atStep` hears each step as it completes; tests stop a write dead there (a throw, or the CLI's
 * SWITCHYARD_INTERRUPT_AT, which kills the process with SIGKILL) to prove nothing is lost.
 */
export function writeArtifacts(outRoot: string, set: ArtifactSet, atStep?: (point: InterruptPoint) => void): WriteResult {
  recoverInterrupted(outRoot, set.cluster);
  const dir = join(outRoot, set.cluster);
  let bytes = 0;
  for (const b of set.files.values()) bytes += b.length;
  const { stale, same } = compareWithDir(outRoot, set);
  if (stale.length === 0) return { dir, changed: false, bytes };

  mkdirSync(outRoot, { recursive: true });
  const temp = join(outRoot, tempName(set.cluster));
  rmSync(temp, { recursive: true, force: true });
  const made = new Set<string>();
  for (const [path, data] of [...set.files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const p = join(temp, path);
    const d = dirname(p);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    // A file whose bytes did not change is linked from the old directory, not written again:
    // one backend changed rewrites the few files it shows in. Where links fail (another
    // file system under the old directory, a file system without them), it is written.
    if (!same.has(path) || !linked(join(dir, path), p)) writeFileSync(p, data);
  }
  atStep?.('temp-written');
  const old = join(outRoot, `${oldPrefix(set.cluster)}${process.pid}`);
  const hadOld = existsSync(dir);
  if (hadOld) renameSync(dir, old);
  atStep?.('old-retired');
  renameSync(temp, dir);
  if (hadOld) rmSync(old, { recursive: true, force: true });
  return { dir, changed: true, bytes };
}

function linked(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Thrown by tests' `atStep` hooks to stop a write at a given step. */
export class InterruptedWrite extends Error {
  constructor(readonly point: InterruptPoint) {
    super(`write interrupted at ${point} (test hook)`);
    this.name = 'InterruptedWrite';
  }
}

/** A hook that stops the write at `point` by throwing InterruptedWrite. */
export function interruptAt(point: InterruptPoint): (step: InterruptPoint) => void {
  return (step) => {
    if (step === point) throw new InterruptedWrite(point);
  };
}
