// Where a node's kernel objects live in bpffs, so that apply, status, dump and remove (and a
// person with bpftool) find them again:
//
//   <bpffs>/<node>/maps/<map>              the maps, by their name in the object
//   <bpffs>/<node>/maps/<map>@next         a map being replaced because its geometry changed
//   <bpffs>/<node>/links/<program>@<target> one bpf_link per program and device (or "cgroup")
//   <bpffs>/<node>/journal                 a symlink whose target records the apply in progress
//
// Directories are 0700; the kernel creates pins 0600. bpffs refuses names with a dot (reserved
// for the kernel's own files), so dots in node and device names are written as %2e.

import { mkdirSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const STAGED_SUFFIX = '@next';

/** A name component as bpffs accepts it: '.' is reserved there, so it becomes %2e (and % %25). */
export function pinSafe(name: string): string {
  return name.replace(/%/g, '%25').replace(/\./g, '%2e');
}

export function fromPinSafe(name: string): string {
  return name.replace(/%2e/g, '.').replace(/%25/g, '%');
}

export class PinLayout {
  readonly nodeDir: string;
  readonly mapsDir: string;
  readonly linksDir: string;
  readonly journal: string;

  constructor(
    readonly bpffs: string,
    readonly node: string,
  ) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(node)) {
      throw new Error(`node name "${node}": use letters, digits, '.', '_' and '-' (it becomes a directory in bpffs)`);
    }
    this.nodeDir = join(bpffs, pinSafe(node));
    this.mapsDir = join(this.nodeDir, 'maps');
    this.linksDir = join(this.nodeDir, 'links');
    this.journal = join(this.nodeDir, 'journal');
  }

  ensureDirs(): void {
    for (const d of [this.nodeDir, this.mapsDir, this.linksDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  map(name: string): string {
    return join(this.mapsDir, pinSafe(name));
  }

  stagedMap(name: string): string {
    return join(this.mapsDir, pinSafe(name) + STAGED_SUFFIX);
  }

  link(program: string, target: string): string {
    return join(this.linksDir, linkPinName(program, target));
  }

  /** Pin names in a directory; empty when it does not exist. */
  list(dir: string): string[] {
    try {
      return readdirSync(dir).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Removes a pin; the kernel object goes when nothing else holds it. */
  unpin(path: string): void {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /** Moves a pin over another atomically (bpffs supports rename), as one step of an apply. */
  replace(from: string, to: string): void {
    renameSync(from, to);
  }

  removeNodeDir(): void {
    rmSync(this.nodeDir, { recursive: true, force: true });
  }
}

export function linkPinName(program: string, target: string): string {
  return `${pinSafe(program)}@${pinSafe(target)}`;
}

/** The program and target of a link pin name, or undefined for a name that is not ours. */
export function parseLinkPinName(name: string): { program: string; target: string } | undefined {
  const at = name.lastIndexOf('@');
  if (at <= 0 || at === name.length - 1) return undefined;
  return { program: fromPinSafe(name.slice(0, at)), target: fromPinSafe(name.slice(at + 1)) };
}
