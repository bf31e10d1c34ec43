// bpf(2) link commands: create a bpf_link on a hook, swap its program atomically, detach it.
// A link pinned in bpffs keeps its program attached after the process that made it exits.

import { BPF_F_REPLACE, BpfCmd } from './bpf.ts';
import { bpfSyscall } from './syscall.ts';

export interface LinkCreateOptions {
  progFd: number;
  /** A cgroup directory fd for cgroup hooks, an ifindex for XDP and tcx. */
  target: number;
  attachType: number;
  /** XDP: XDP_FLAGS_* (0 lets the kernel pick driver mode where it can); tcx: BPF_F_BEFORE etc. */
  flags?: number;
}

/** BPF_LINK_CREATE; returns the link's fd. */
export function linkCreate(o: LinkCreateOptions): number {
  const attr = Buffer.alloc(64);
  attr.writeUInt32LE(o.progFd, 0);
  attr.writeUInt32LE(o.target, 4);
  attr.writeUInt32LE(o.attachType, 8);
  attr.writeUInt32LE(o.flags ?? 0, 12);
  return bpfSyscall('BPF_LINK_CREATE', BpfCmd.LINK_CREATE, attr);
}

/**
 * BPF_LINK_UPDATE: the hook runs `newProgFd` from the next packet or syscall on. With
 * `oldProgFd` the swap happens only if the link still runs that program (BPF_F_REPLACE), so two
 * concurrent applies cannot silently overwrite each other.
 */
export function linkUpdate(linkFd: number, newProgFd: number, oldProgFd?: number): void {
  const attr = Buffer.alloc(16);
  attr.writeUInt32LE(linkFd, 0);
  attr.writeUInt32LE(newProgFd, 4);
  if (oldProgFd !== undefined) {
    attr.writeUInt32LE(BPF_F_REPLACE, 8);
    attr.writeUInt32LE(oldProgFd, 12);
  }
  bpfSyscall('BPF_LINK_UPDATE', BpfCmd.LINK_UPDATE, attr);
}

/** BPF_LINK_DETACH: the hook lets go at once, even while pins or fds still hold the link. */
export function linkDetach(linkFd: number): void {
  const attr = Buffer.alloc(8);
  attr.writeUInt32LE(linkFd, 0);
  bpfSyscall('BPF_LINK_DETACH', BpfCmd.LINK_DETACH, attr);
}
