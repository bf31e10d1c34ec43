// Probing this kernel's helpers: which ones each program type (and attach type) may call, and
// which are GPL-only. Observed behaviour: a call whose refusal names the helper as unknown or
// forbidden for the type is unavailable; any other outcome means available. A helper is GPL-only
// when a program under a non-GPL license is refused for calling it. Helper names come from the
// uapi header's function list. probe-helpers.ts writes the tables; helper-tables.test.ts checks
// them against the running kernel.

import { readFileSync } from 'node:fs';
import { kernelVerify } from '../../verifier/kernel.ts';
import { attachTypes, progTypes } from '../../verifier/names.ts';

export interface Kind {
  name: string;
  what: string;
  progType: number;
  attachType: number;
  /** A second attach type sharing the table: only helpers both allow are listed. */
  also?: number[];
}

export const kinds: Kind[] = [
  { name: 'XDP', what: 'xdp', progType: progTypes.xdp!, attachType: 0 },
  { name: 'SCHED_CLS', what: 'sched_cls (tc, tcx)', progType: progTypes.sched_cls!, attachType: 0 },
  { name: 'CGROUP_SKB', what: 'cgroup_skb ingress and egress', progType: progTypes.cgroup_skb!, attachType: 0, also: [attachTypes.egress!] },
  { name: 'SOCKET_FILTER', what: 'socket_filter', progType: progTypes.socket_filter!, attachType: 0 },
  { name: 'CGROUP_SOCK', what: 'cgroup_sock (all attach types)', progType: progTypes.cgroup_sock!, attachType: attachTypes.sock_create!, also: [attachTypes.sock_release!, attachTypes.post_bind4!, attachTypes.post_bind6!] },
  { name: 'CGROUP_SOCK_ADDR_CONNECT', what: 'cgroup_sock_addr connect4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.connect4!, also: [attachTypes.connect6!] },
  { name: 'CGROUP_SOCK_ADDR_SENDMSG', what: 'cgroup_sock_addr sendmsg4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.sendmsg4!, also: [attachTypes.sendmsg6!] },
  { name: 'CGROUP_SOCK_ADDR_RECVMSG', what: 'cgroup_sock_addr recvmsg4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.recvmsg4!, also: [attachTypes.recvmsg6!] },
  { name: 'CGROUP_SOCK_ADDR_BIND', what: 'cgroup_sock_addr bind4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.bind4!, also: [attachTypes.bind6!] },
  { name: 'CGROUP_SOCK_ADDR_GETPEERNAME', what: 'cgroup_sock_addr getpeername4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.getpeername4!, also: [attachTypes.getpeername6!] },
  { name: 'CGROUP_SOCK_ADDR_GETSOCKNAME', what: 'cgroup_sock_addr getsockname4/6', progType: progTypes.cgroup_sock_addr!, attachType: attachTypes.getsockname4!, also: [attachTypes.getsockname6!] },
];

export const MAX_HELPER = 240;

function callProgram(id: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  b[0] = 0x85; // call
  v.setInt32(4, id, true);
  b[8] = 0xb7; // r0 = 1
  v.setInt32(12, 1, true);
  b[16] = 0x95; // exit
  return b;
}

/** Helper names by id, from the uapi header's function list (FN(name) or FN(name, id, ...)). */
export function helperNames(): string[] {
  const header = readFileSync('/usr/include/linux/bpf.h', 'utf8');
  // Newer headers name it ___BPF_FUNC_MAPPER (with ids), older ones __BPF_FUNC_MAPPER.
  const start = header.search(/#define _{2,3}BPF_FUNC_MAPPER\(/);
  if (start < 0) throw new Error('/usr/include/linux/bpf.h: no BPF_FUNC_MAPPER (install linux-libc-dev)');
  const body = header.slice(start, header.indexOf('\n\n', start));
  const names: string[] = [];
  for (const m of body.matchAll(/FN\((\w+)(?:,\s*(\d+))?/g)) names[m[2] ? Number(m[2]) : names.length] = `bpf_${m[1]}`;
  return names;
}

/** The helper ids kind `k` may call on this kernel (every attach type it stands for). */
export function probeAvailable(k: Kind): number[] {
  const ids: number[] = [];
  for (let id = 1; id < MAX_HELPER; id++) {
    const unavailable = [k.attachType, ...(k.also ?? [])].some((attachType) => {
      const r = kernelVerify({ name: 'probe', progType: k.progType, attachType, insns: callProgram(id), maps: [], strictAlignment: false });
      return /unknown func|invalid func|cannot use helper|cannot call/.test(r.log);
    });
    if (!unavailable) ids.push(id);
  }
  return ids;
}

/** Whether helper `id`, available to kind `k`, is refused to a program whose license is not GPL. */
export function probeGplOnly(id: number, k: Kind): boolean {
  const r = kernelVerify({ name: 'probe', progType: k.progType, attachType: k.attachType, insns: callProgram(id), maps: [], strictAlignment: false, license: 'Proprietary' });
  return /GPL-restricted/.test(r.log);
}
