// bpf_links: a program on a hook (XDP or tcx on a device, a sock_addr/sock hook on a cgroup).
// Links are pinned, so programs stay attached after switchyard-node exits, and an update swaps
// the program inside the link atomically: no packet or connect() ever sees the hook empty.

import { openSync, closeSync } from 'node:fs';
import { release } from 'node:os';
import { explain } from './sys/bpf-error.ts';
import { linkCreate, linkDetach, linkUpdate } from './sys/bpf-link.ts';
import { fdById, linkInfo, objGet, objPin, type LinkInfo } from './sys/bpf-obj.ts';
import { closeFd, ifNameToIndex } from './sys/syscall.ts';
import type { HookKind } from './section.ts';
import type { LoadedProgram } from './program.ts';

/** One place a program can be attached: a device by name, or the node's cgroup. */
export interface HookTarget {
  kind: Exclude<HookKind, 'none'>;
  /** The device name, or `cgroup`: the part after `@` in the link's pin name. */
  label: string;
  /** The ifindex for devices; the cgroup directory for cgroups. */
  device?: string;
  cgroupDir?: string;
}

export function deviceTarget(kind: 'xdp' | 'tcx', device: string): HookTarget {
  return { kind, label: device, device };
}

export function cgroupTarget(dir: string): HookTarget {
  return { kind: 'cgroup', label: 'cgroup', cgroupDir: dir };
}

/** The first Linux release with bpf_link support for each hook, named when the kernel refuses one. */
const LINK_SINCE: Record<HookTarget['kind'], string> = { cgroup: '5.7', xdp: '5.9', tcx: '6.6' };

function oldKernelHint(kind: HookTarget['kind'], code: string | undefined): string | undefined {
  if (code !== 'EINVAL' && code !== 'EOPNOTSUPP' && code !== 'errno 524') return undefined;
  return `the kernel refused the link; ${kind} links need Linux ${LINK_SINCE[kind]} or newer (this is ${release()})`;
}

function what(prog: LoadedProgram, t: HookTarget): string {
  return `link ${prog.name} → ${t.kind === 'cgroup' ? `cgroup ${t.cgroupDir}` : `${prog.kind.hookName} on ${t.device}`}`;
}

/** BPF_LINK_CREATE of `prog` on `t`; returns the link's fd (pin it to keep it). */
export function createLink(prog: LoadedProgram, t: HookTarget): number {
  if (t.kind === 'cgroup') {
    const dirFd = openSync(t.cgroupDir!, 'r');
    try {
      return linkCreate({ progFd: prog.fd, target: dirFd, attachType: prog.kind.attachType });
    } catch (e) {
      throw explain(e, what(prog, t), oldKernelHint('cgroup', (e as { code?: string }).code));
    } finally {
      closeSync(dirFd);
    }
  }
  const ifindex = ifNameToIndex(t.device!);
  if (ifindex === 0) {
    throw new Error(`${what(prog, t)}: no device ${t.device} in this network namespace; check --device (ip link show)`);
  }
  try {
    return linkCreate({ progFd: prog.fd, target: ifindex, attachType: prog.kind.attachType });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const hint =
      t.kind === 'xdp' && code === 'EBUSY'
        ? `another XDP program is attached to ${t.device}; detach it (ip link set dev ${t.device} xdp off) and apply again`
        : oldKernelHint(t.kind, code);
    throw explain(e, what(prog, t), hint);
  }
}

export function pinLink(linkFd: number, path: string, prog: LoadedProgram): void {
  try {
    objPin(linkFd, path);
  } catch (e) {
    throw explain(e, `pin of link ${prog.name} at ${path}`);
  }
}

export interface PinnedLink {
  fd: number;
  info: LinkInfo;
}

/** Opens the link pinned at `path`; a missing pin throws an error whose code is ENOENT. */
export function openPinnedLink(path: string): PinnedLink {
  let fd: number;
  try {
    fd = objGet(path);
  } catch (e) {
    throw explain(e, `link pin ${path}`);
  }
  try {
    return { fd, info: linkInfo(fd) };
  } catch (e) {
    closeFd(fd);
    throw explain(e, `link pin ${path}`, `${path} is not a link; remove it (switchyard-node remove) and apply again`);
  }
}

/**
 * Swaps the program inside a pinned link (BPF_LINK_UPDATE with BPF_F_REPLACE of the program it
 * runs now, so a concurrent change is refused rather than overwritten). Returns the old program's fd
 * for rollback.
 */
export function swapProgram(link: PinnedLink, prog: LoadedProgram, label: string): number {
  let oldFd: number;
  try {
    oldFd = fdById('prog', link.info.progId);
  } catch (e) {
    throw explain(e, `program ${link.info.progId} of link ${label}`);
  }
  try {
    linkUpdate(link.fd, prog.fd, oldFd);
  } catch (e) {
    closeFd(oldFd);
    throw explain(e, `update of link ${label} to program ${prog.name}`);
  }
  return oldFd;
}

/** Puts `progFd` back into a link after a failed apply. */
export function restoreProgram(linkFd: number, progFd: number, label: string): void {
  try {
    linkUpdate(linkFd, progFd);
  } catch (e) {
    throw explain(e, `restore of link ${label}`);
  }
}

/** Detaches a link from its hook at once, whoever else still holds it. */
export function detachLink(linkFd: number, label: string): void {
  try {
    linkDetach(linkFd);
  } catch (e) {
    // Already detached (its device went away): nothing left to do.
    if ((e as { code?: string }).code === 'ENOLINK') return;
    throw explain(e, `detach of link ${label}`);
  }
}
