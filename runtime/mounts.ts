// The filesystems switchyard-node depends on, found from /proc/mounts rather than assumed:
// the bpf filesystem that holds the pins (mounted when missing) and the cgroup v2 hierarchy.

import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { mountFs } from './sys/syscall.ts';

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
}

/** /proc/mounts, with the octal escapes of spaces and tabs undone. */
export function readMounts(text = readFileSync('/proc/mounts', 'utf8')): MountEntry[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [source = '', target = '', fstype = ''] = l.split(' ');
      return { source: unescape(source), target: unescape(target), fstype };
    });
}

function under(path: string, mountPoint: string): boolean {
  return path === mountPoint || path.startsWith(mountPoint.endsWith(sep) ? mountPoint : mountPoint + sep);
}

/**
 * `path` with every symbolic link resolved, as /proc/mounts names mount points. The part that
 * does not exist yet is kept as given (apply creates it): the deepest existing ancestor decides.
 */
export function physicalPath(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(physicalPath(parent), basename(abs));
}

/** The mount point of the filesystem of type `fstype` that `path` lies in (deepest match), if any. */
export function mountCovering(path: string, fstype: string, mounts = readMounts()): string | undefined {
  // A symlink to a mount point is not the mount point's path: compare the resolved path.
  const abs = physicalPath(path);
  // The deepest mount over the path decides its filesystem, whatever its type.
  const over = mounts.filter((m) => under(abs, m.target)).sort((a, b) => b.target.length - a.target.length)[0];
  return over && over.fstype === fstype ? over.target : undefined;
}

export const DEFAULT_BPFFS = '/sys/fs/bpf/switchyard';
const WELL_KNOWN_BPFFS = '/sys/fs/bpf';

/**
 * Makes sure `dir` lies on a bpf filesystem, mounting one when none covers it: at /sys/fs/bpf for
 * paths under it (where bpftool and others expect it), at `dir` itself otherwise. Returns what it did.
 */
export function ensureBpffs(dir: string): string | undefined {
  const abs = physicalPath(dir);
  if (mountCovering(abs, 'bpf')) {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    return undefined;
  }
  const mountPoint = under(abs, WELL_KNOWN_BPFFS) ? WELL_KNOWN_BPFFS : abs;
  mkdirSync(mountPoint, { recursive: true, mode: 0o700 });
  mountFs('bpf', mountPoint, 'bpf', 0, 'mode=0700');
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  return `mounted bpffs at ${mountPoint}`;
}

/** The cgroup v2 mount point, or an error that says how to get one. */
export function cgroup2Mount(mounts = readMounts()): string {
  const m = mounts.find((e) => e.fstype === 'cgroup2');
  if (!m) throw new Error('no cgroup v2 filesystem in /proc/mounts; mount one (mount -t cgroup2 none /sys/fs/cgroup) or boot with cgroup v2');
  return m.target;
}

/**
 * The cgroup directory for `--cgroup PATH`: absolute paths inside the cgroup v2 mount are taken as
 * they are, anything else is relative to the mount; no PATH means the mount's root cgroup.
 */
export function resolveCgroup(path: string | undefined, mounts = readMounts()): string {
  const root = cgroup2Mount(mounts);
  const dir = path === undefined ? root : isAbsolute(path) && under(path, root) ? path : join(root, path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`cgroup ${dir}: no such cgroup v2 directory; create it (mkdir ${dir}) or fix --cgroup`);
  }
  return dir;
}
