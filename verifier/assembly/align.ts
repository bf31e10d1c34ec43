// Alignment of memory accesses. Stack accesses and atomics are always checked (the kernel's
// spill tracking relies on the first; the hardware's atomic instructions fault on the second);
// other accesses only under strict alignment (BPF_F_STRICT_ALIGNMENT), where packet offsets count
// from NET_IP_ALIGN = 2, as on architectures that shift the IP header.

import { fail } from './errors';
import { prog } from './program';
import { isPacket, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, PTR_TO_STACK, Reg } from './reg';
import { rm, rv, tnumAdd, tnumAligned } from './tnum';

const NET_IP_ALIGN: i32 = 2;

/** A tnum the way the kernel's log prints a var_off: a number when known, else (value; mask). */
export function tnumText(v: u64, m: u64): string {
  if (m == 0) return (<i64>v).toString();
  return '(0x' + v.toString(16) + '; 0x' + m.toString(16) + ')';
}

function describe(t: u8): string {
  if (t == PTR_TO_CTX) return 'context ';
  if (t == PTR_TO_STACK) return 'stack ';
  if (t == PTR_TO_MAP_VALUE) return 'value ';
  if (t == PTR_TO_SOCKET || t == PTR_TO_SOCK_COMMON) return 'sock ';
  return '';
}

/**
 * Checks an access of `size` bytes at reg + off; reports and returns false when misaligned.
 * `always` checks as under strict alignment whatever the load asked (atomics).
 */
export function checkAlignment(insn: i32, reg: Reg, off: i32, size: i32, always: bool = false): bool {
  if (size == 1) return true;
  const stack = reg.type == PTR_TO_STACK;
  if (!stack && !always && !prog.strictAlignment) return true;
  if (isPacket(reg.type)) {
    tnumAdd(reg.v, reg.m, <u64>(<i64>(NET_IP_ALIGN + reg.off + off)), 0);
    if (tnumAligned(rv, rm, <u64>size)) return true;
    return fail(insn, 'misaligned packet access off ' + NET_IP_ALIGN.toString() + '+' + tnumText(reg.v, reg.m) + '+' +
      reg.off.toString() + '+' + off.toString() + ' size ' + size.toString());
  }
  tnumAdd(reg.v, reg.m, <u64>(<i64>(reg.off + off)), 0);
  if (tnumAligned(rv, rm, <u64>size)) return true;
  return fail(insn, 'misaligned ' + describe(reg.type) + 'access off ' + tnumText(reg.v, reg.m) + '+' + reg.off.toString() +
    '+' + off.toString() + ' size ' + size.toString());
}
