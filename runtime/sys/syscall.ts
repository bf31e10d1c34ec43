// The one native boundary of switchyard-node: libc's syscall(2) and a few libc calls through koffi.
// koffi ships prebuilt binaries inside its npm package, so nothing is compiled on the node and
// the bundle needs only koffi beside it; an N-API addon of our own would need a toolchain there.

import koffi from 'koffi';
import { constants } from 'node:os';

const libc = koffi.load('libc.so.6');
const rawSyscall = libc.func('long syscall(long nr, long a1, void *a2, unsigned long a3)');
const rawClose = libc.func('int close(int fd)');
const rawMount = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)');
const rawIfNameToIndex = libc.func('unsigned int if_nametoindex(const char *name)');
const rawFlock = libc.func('int flock(int fd, int operation)');

/** bpf(2)'s number differs per architecture; these are the two a node is likely to run. */
export const SYS_bpf = process.arch === 'arm64' ? 280 : 321;

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** A failed system call, with errno kept as a name (EPERM, E2BIG) for messages and tests. */
export class SyscallError extends Error {
  constructor(
    readonly op: string,
    readonly errno: number,
    message?: string,
  ) {
    super(message ?? `${op}: ${errnoName(errno)}`);
    this.name = 'SyscallError';
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

/** bpf(cmd, attr, size); returns the non-negative result or throws SyscallError. */
export function bpfSyscall(op: string, cmd: number, attr: Buffer): number {
  const r = Number(rawSyscall(SYS_bpf, cmd, attr, attr.length));
  if (r < 0) throw new SyscallError(op, koffi.errno());
  return r;
}

export function closeFd(fd: number): void {
  if (fd >= 0) rawClose(fd);
}

/** The address of a buffer's bytes, for the u64 pointer fields of bpf_attr. */
export function addressOf(buf: Uint8Array): bigint {
  return koffi.address(buf);
}

/** mount(2), for the bpf filesystem; throws SyscallError naming the target. */
export function mountFs(source: string, target: string, fstype: string, flags = 0, data: string | null = null): void {
  if (rawMount(source, target, fstype, flags, data) < 0) {
    throw new SyscallError(`mount -t ${fstype} ${target}`, koffi.errno());
  }
}

/** if_nametoindex(3) in this process's network namespace; 0 when there is no such device. */
export function ifNameToIndex(name: string): number {
  return Number(rawIfNameToIndex(name));
}

const LOCK_EX = 2;
const LOCK_NB = 4;

/**
 * flock(LOCK_EX | LOCK_NB) on an open fd; false when another process holds the lock. The kernel
 * drops the lock when the process dies, even by kill -9, so a crashed apply never wedges the next.
 */
export function tryLockExclusive(fd: number): boolean {
  if (rawFlock(fd, LOCK_EX | LOCK_NB) === 0) return true;
  const errno = koffi.errno();
  if (errnoName(errno) === 'EWOULDBLOCK' || errnoName(errno) === 'EAGAIN') return false;
  throw new SyscallError('flock', errno);
}
