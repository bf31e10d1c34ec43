// What a node remembers between applies, in two places with two jobs:
//
// - the journal, a symlink in bpffs beside the pins (bpffs holds no regular files, but symlinks,
//   and it lives and dies with the pins it describes): written ahead of every change, it says
//   whether the last apply finished and which snapshot to trust;
// - the snapshot, in the state directory: per map, the contents the last finished apply wrote
//   (map-contents files named by their sha256), so the next apply diffs files instead of reading
//   100,000s of entries back from the kernel. It is only an accelerator: without a trusted
//   snapshot, apply reads the live maps and converges just the same.

import { mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { sha256Hex } from '../format/manifest.ts';
import { decodeMapContentsPacked, encodeMapContentsPacked } from '../format/map-contents.ts';
import type { Records } from './records.ts';

export interface JournalRecord {
  v: 1;
  /** `applying`: an apply started and has not finished (or was killed); `applied`: the last one finished. */
  phase: 'applying' | 'applied';
  /** sha256 of the manifest being applied (applying) or last applied (applied). */
  manifest: string;
  cluster: string;
  /** The manifest's generation, when it has one: what switchyard-node run refuses to go below. */
  generation?: number;
  /** sha256 of the snapshot index that matches the live state; only when applied. */
  snapshot?: string;
  /** When the record was written (ISO 8601). */
  at: string;
}

export function readJournal(path: string): JournalRecord | undefined {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const r = JSON.parse(text) as JournalRecord;
    return r.v === 1 ? r : undefined;
  } catch {
    return undefined; // unreadable: treated as "no trusted state", which is always safe
  }
}

/** Replaces the journal atomically: a new symlink, renamed over the old one. */
export function writeJournal(path: string, r: JournalRecord | undefined): void {
  if (!r) {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return;
  }
  const tmp = `${path}-next`; // bpffs refuses '.' in names
  try {
    unlinkSync(tmp);
  } catch {
    // not there: the usual case
  }
  symlinkSync(JSON.stringify(r), tmp);
  renameSync(tmp, path);
}

export interface SnapshotMap {
  /** The kernel's id of the map the contents were written to: a replaced map is not trusted. */
  id: number;
  /** sha256 of the map-contents file in the state directory. */
  contents: string;
  count: number;
}

export interface SnapshotIndex {
  v: 1;
  manifest: string;
  cluster: string;
  node: string;
  /** sha256 of the BPF object whose programs are attached. */
  object: string;
  /**
   * `<object sha256>:<verifier.wasm sha256>` when the WebAssembly verifier accepted that object
   * on this node: a later apply of the same object with the same verifier does not run it again.
   */
  verified?: string;
  maps: Record<string, SnapshotMap>;
  /** Link pin name → id of the program it runs. */
  links: Record<string, number>;
  appliedAt: string;
}

/**
 * The sha256 of the map-contents file these records would make, without building it: the name
 * of a snapshot file, and how apply sees that a map's wanted contents did not change.
 */
export function contentsHash(map: string, r: Records): string {
  const header = encodeMapContentsPacked({ map, keySize: r.keySize, valueSize: r.valueSize, count: r.count, records: new Uint8Array(0) });
  return createHash('sha256').update(header).update(r.bytes).digest('hex');
}

/**
 * Writes a file with mode 0600 through a temporary name and a rename, so a reader never sees half
 * a file. No fsync: the snapshot only speeds applies up, every file is checked against its sha256
 * before use, and one lost in a crash just means the next apply reads the live maps.
 */
function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}

export class StateDir {
  readonly index: string;
  readonly contentsDir: string;

  constructor(readonly dir: string) {
    this.index = join(dir, 'index.json');
    this.contentsDir = join(dir, 'contents');
  }

  /** The snapshot index if the journal vouches for it (same sha256), else undefined. */
  trustedIndex(journal: JournalRecord | undefined): SnapshotIndex | undefined {
    if (!journal || journal.phase !== 'applied' || !journal.snapshot) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.index);
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== journal.snapshot) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as SnapshotIndex;
    } catch {
      return undefined;
    }
  }

  /** A map's snapshot contents, or undefined when the file is gone or not what the index says. */
  readContents(m: SnapshotMap, keySize: number, valueSize: number): Records | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.contentsDir, `${m.contents}.symc`));
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== m.contents) return undefined;
    const p = decodeMapContentsPacked(bytes);
    if (p.keySize !== keySize || p.valueSize !== valueSize) return undefined;
    return { keySize, valueSize, count: p.count, bytes: p.records };
  }

  /**
   * Stores one map's contents (if not there already); returns the sha256 that names it. `file`
   * is the contents file exactly as the compiler wrote it, when the map's contents are one file.
   */
  writeContents(map: string, r: Records, file?: { bytes: Uint8Array; hash: string }): string {
    const h = file?.hash ?? contentsHash(map, r);
    mkdirSync(this.contentsDir, { recursive: true, mode: 0o700 });
    const path = join(this.contentsDir, `${h}.symc`);
    try {
      if (sha256Hex(readFileSync(path)) === h) return h;
    } catch {
      // absent: write it
    }
    writeAtomically(path, file?.bytes ?? encodeMapContentsPacked({ map, keySize: r.keySize, valueSize: r.valueSize, count: r.count, records: r.bytes }));
    return h;
  }

  /** Writes the index durably and returns its sha256 for the journal; drops unreferenced contents. */
  writeIndex(idx: SnapshotIndex): string {
    mkdirSync(this.contentsDir, { recursive: true, mode: 0o700 });
    const text = JSON.stringify(idx, null, 2) + '\n';
    writeAtomically(this.index, text);
    const keep = new Set(Object.values(idx.maps).map((m) => `${m.contents}.symc`));
    for (const f of readdirSync(this.contentsDir)) if (!keep.has(f)) rmSync(join(this.contentsDir, f), { force: true });
    return sha256Hex(text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
