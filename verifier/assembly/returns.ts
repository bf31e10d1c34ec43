// What a program may return, per program type and attach type, as observed on this kernel:
// cgroup hooks have verdict ranges; xdp, tc and socket filters take any value (even a pointer).

import {
  PROG_CGROUP_SKB, PROG_CGROUP_SOCK, PROG_CGROUP_SOCK_ADDR, ATTACH_EGRESS, ATTACH_BIND4, ATTACH_BIND6,
  ATTACH_RECVMSG4, ATTACH_RECVMSG6, ATTACH_GETPEERNAME4, ATTACH_GETPEERNAME6, ATTACH_GETSOCKNAME4, ATTACH_GETSOCKNAME6,
} from './uapi';
import { fail, R } from './errors';
import { prog } from './program';
import { Reg, NOT_INIT, SCALAR } from './reg';

/** The allowed range [lo, hi] for the program's return value, or false when any value goes. */
let lo: i64 = 0;
let hi: i64 = 0;

function range(): bool {
  const t = prog.progType;
  const a = prog.attachType;
  if (t == PROG_CGROUP_SKB) {
    lo = 0;
    hi = a == ATTACH_EGRESS ? 3 : 1;
    return true;
  }
  if (t == PROG_CGROUP_SOCK) {
    lo = 0;
    hi = 1;
    return true;
  }
  if (t == PROG_CGROUP_SOCK_ADDR) {
    if (a == ATTACH_RECVMSG4 || a == ATTACH_RECVMSG6 || a == ATTACH_GETPEERNAME4 || a == ATTACH_GETPEERNAME6 ||
        a == ATTACH_GETSOCKNAME4 || a == ATTACH_GETSOCKNAME6) {
      lo = 1;
      hi = 1;
    } else {
      lo = 0;
      hi = a == ATTACH_BIND4 || a == ATTACH_BIND6 ? 3 : 1;
    }
    return true;
  }
  return false;
}

/** Whether the program type bounds its return value at all. */
export function hasReturnRange(): bool {
  return range();
}

/** Checks r0 at the main program's exit. */
export function checkReturn(insn: i32, r0: Reg): bool {
  if (r0.type == NOT_INIT) return fail(insn, R(0) + ' !read_ok');
  if (!range()) return true;
  if (r0.type != SCALAR) return fail(insn, 'At program exit the register R0 is not a known value (ptr_)');
  if (r0.smin < lo || r0.smax > hi) {
    return fail(insn, 'At program exit the register R0 has smin=' + r0.smin.toString() + ' smax=' + r0.smax.toString() +
      ' should have been in [' + lo.toString() + ', ' + hi.toString() + ']');
  }
  return true;
}
