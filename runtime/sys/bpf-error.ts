// bpf(2) failures turned into messages that name the command, the object and the next step.
// The raw errno stays on the error (code, errno) so callers and tests can still branch on it.

import { neededText } from './capabilities.ts';
import { errnoName, SyscallError } from './syscall.ts';

/** A bpf(2) command that failed on one named object (a map, a program, a pin, a device). */
export class BpfError extends SyscallError {
  constructor(
    op: string,
    readonly object: string,
    errno: number,
    readonly hint: string,
  ) {
    super(op, errno, `${op} ${object}: ${errnoName(errno)}${hint ? `: ${hint}` : ''}`);
    this.name = 'BpfError';
  }
}

/** What an errno usually means for bpf(2), and what to do about it; `''` when nothing useful is known. */
export function genericHint(op: string, errno: number): string {
  switch (errnoName(errno)) {
    case 'EPERM':
      // The kernel opens an object by id for CAP_SYS_ADMIN alone, whatever else is held.
      if (op.includes('_GET_FD_BY_ID')) return 'not permitted: opening a kernel object by id needs CAP_SYS_ADMIN (run it as root)';
      return `not permitted: switchyard-node needs ${neededText()} (run it as root)`;
    case 'EACCES':
      return op.includes('OBJ_GET') ? 'the pin is not readable by this user; run as root' : 'access refused by the kernel';
    case 'ENOENT':
      return op.includes('OBJ_GET') ? 'nothing is pinned there; run switchyard-node apply first' : 'no such entry';
    case 'EEXIST':
      return 'already exists; run switchyard-node remove, or apply again to converge';
    case 'E2BIG':
      return 'too big for the kernel (a full map, or an attribute this kernel does not know)';
    case 'EBUSY':
      return 'the hook is taken by another program; detach it first (e.g. `ip link set dev IF xdp off`)';
    case 'ENODEV':
      return 'no such network device in this network namespace; check --device';
    case 'EINVAL':
      return 'the kernel refused the arguments (a feature this kernel lacks, or a wrong size or type)';
    case 'ENOSPC':
      return 'no room left (the verifier log buffer, or the hook has too many programs)';
    case 'ENOMEM':
      return 'the kernel is out of memory for this object (or RLIMIT_MEMLOCK is too low on kernels before 5.11)';
    case 'EOPNOTSUPP':
    case 'errno 524': // ENOTSUPP, kernel-internal but returned by bpf(2)
      return 'not supported by this kernel or driver';
    case 'EBADF':
      return 'a file descriptor was closed too early (a switchyard bug: please report it)';
    default:
      return '';
  }
}

/** Wraps a SyscallError from bpf(2) with the object's name and the generic hint (or `hint`). */
export function explain(e: unknown, object: string, hint?: string): unknown {
  if (!(e instanceof SyscallError) || e instanceof BpfError) return e;
  // The command alone: the object names what it acted on (some ops carry a name or path too).
  const cmd = e.op.split(' ')[0]!;
  const err = new BpfError(cmd, object, e.errno, hint ?? genericHint(e.op, e.errno));
  err.cause = e;
  return err;
}
