// What the kernel's socket hooks did, seen from inside: a small recorder program attached to
// each hook of the test's cgroup after Switchyard's own. A cgroup runs every program attached to
// a hook, in the order they were attached, on one context and one return value, so the recorder
// sees the address and port the system call goes on with, the errno a refusal set
// (bpf_get_retval), and what the programs' helpers answered (the socket's and the namespace's
// cookies, which the simulator is then given). For sock_release it records the socket's
// destination, the hook's input. One slot of an array map per hook, with a count of its runs.

import * as a from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { R0, R1, R2, R6, R7, R10 } from '../../compiler/bpf/register.ts';
import { sectionKind } from '../../format/bpf-object-sections.ts';
import { mapTypes } from '../../format/bpf-uapi.ts';
import { linkCreate } from '../../runtime/sys/bpf-link.ts';
import { mapCreate, progLoad } from '../../runtime/sys/bpf.ts';
import { mapLookup } from '../../runtime/sys/bpf-map.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import type { Cleanup } from '../helpers/netns.ts';
import { SOCK, SOCK_ADDR } from '../../simulate/context.ts';

/** The hooks recorded, by the suffix of their `cgroup/` section; the index is the slot. */
export const RECORDED_HOOKS = ['connect4', 'connect6', 'sendmsg4', 'sendmsg6', 'recvmsg4', 'recvmsg6', 'getpeername4', 'getpeername6', 'bind4', 'bind6', 'sock_release'] as const;
export type RecordedHook = (typeof RECORDED_HOOKS)[number];

/** A slot: address[16] (IPv4 in the first 4), port (network order), retval, cookie, netns cookie, runs, family. */
const AT = { address: 0, port: 16, retval: 20, cookie: 24, netns: 32, runs: 40, family: 48, size: 56 } as const;

export interface Record {
  /** The address after every program ran (sock_release: the socket's destination), 4 or 16 bytes. */
  address: Uint8Array;
  port: number;
  /** The errno a program set with bpf_set_retval, negative (0: none). */
  retval: number;
  cookie: bigint;
  netnsCookie: bigint;
  /** How often the hook ran so far. */
  runs: bigint;
  /** sock_release: AF_INET or AF_INET6. */
  family: number;
}

function recorderItems(hook: RecordedHook, slot: number): Item[] {
  const release = hook === 'sock_release';
  const v6 = hook.endsWith('6');
  const copy = (from: number, to: number, size: 'u16' | 'u32') => [a.ldx(size, R1, R6, from), a.stx('u32', R7, to, R1)];
  const address = release
    ? [...copy(SOCK.family, AT.family, 'u32'), a.ldx('u32', R1, R6, SOCK.family), a.jeq(R1, 2, 'ip4'),
       ...[0, 1, 2, 3].flatMap((i) => copy(SOCK.dst_ip6 + 4 * i, AT.address + 4 * i, 'u32')), a.ja('port'),
       a.label('ip4'), ...copy(SOCK.dst_ip4, AT.address, 'u32'), a.label('port'), ...copy(SOCK.dst_port, AT.port, 'u16')]
    : [...(v6 ? [0, 1, 2, 3].flatMap((i) => copy(SOCK_ADDR.user_ip6 + 4 * i, AT.address + 4 * i, 'u32')) : copy(SOCK_ADDR.user_ip4, AT.address, 'u32')),
       ...copy(SOCK_ADDR.user_port, AT.port, 'u32'),
       // recvmsg and getpeername cannot fail, and the kernel gives them no bpf_get_retval.
       ...(/^(recvmsg|getpeername)/.test(hook) ? [] : [a.call('get_retval'), a.stx('u32', R7, AT.retval, R0)]),
       a.mov64(R1, R6), a.call('get_netns_cookie'), a.stx('u64', R7, AT.netns, R0)];
  return [
    a.mov64(R6, R1),
    a.st('u32', R10, -4, slot),
    a.mov64(R2, R10), a.add64(R2, -4), a.ldMap(R1, 'sy_record'), a.call('map_lookup_elem'),
    a.jeq(R0, 0, 'out'),
    a.mov64(R7, R0),
    ...address,
    a.mov64(R1, R6), a.call('get_socket_cookie'), a.stx('u64', R7, AT.cookie, R0),
    a.ldx('u64', R1, R7, AT.runs), a.add64(R1, 1), a.stx('u64', R7, AT.runs, R1),
    // The slot after the hooks' counts the runs of every hook: a call that ran a hook other than
    // the one it was meant to shows there.
    a.st('u32', R10, -4, RECORDED_HOOKS.length),
    a.mov64(R2, R10), a.add64(R2, -4), a.ldMap(R1, 'sy_record'), a.call('map_lookup_elem'),
    a.jeq(R0, 0, 'out'),
    a.ldx('u64', R1, R0, AT.runs), a.add64(R1, 1), a.stx('u64', R0, AT.runs, R1),
    a.label('out'),
    a.mov64(R0, 1),
    a.exit(),
  ];
}

export interface Recorder {
  /** Attaches the recorder of every hook to the cgroup (after the programs attached so far). */
  attach(cgroupFd: number): void;
  read(hook: RecordedHook): Record;
  /** Runs of every hook so far. */
  allRuns(): bigint;
}

export function createRecorder(t: Cleanup): Recorder {
  const map = mapCreate({ type: mapTypes.array, keySize: 4, valueSize: AT.size, maxEntries: RECORDED_HOOKS.length + 1, name: 'sy_record' });
  t.teardown(() => closeFd(map));
  const progs = RECORDED_HOOKS.map((hook, slot) => {
    const kind = sectionKind(`cgroup/${hook}`)!;
    const { fd } = progLoad({ type: kind.progType, insns: encode(recorderItems(hook, slot), { maps: { sy_record: map } }).bytes, license: 'GPL', name: `sy_rec_${slot}`, expectedAttachType: kind.attachType, logLevel: 0 });
    t.teardown(() => closeFd(fd));
    return { fd, attachType: kind.attachType };
  });
  const value = new Uint8Array(AT.size);
  const key = new Uint8Array(4);
  return {
    attach(cgroupFd) {
      for (const p of progs) {
        const link = linkCreate({ progFd: p.fd, target: cgroupFd, attachType: p.attachType });
        t.teardown(() => closeFd(link));
      }
    },
    allRuns() {
      new DataView(key.buffer).setUint32(0, RECORDED_HOOKS.length, true);
      if (!mapLookup(map, key, value)) throw new Error('sy_record: no slot for all hooks');
      return new DataView(value.buffer).getBigUint64(AT.runs, true);
    },
    read(hook) {
      new DataView(key.buffer).setUint32(0, RECORDED_HOOKS.indexOf(hook), true);
      if (!mapLookup(map, key, value)) throw new Error(`sy_record: no slot for ${hook}`);
      const dv = new DataView(value.buffer);
      const family = dv.getUint32(AT.family, true);
      const v6 = hook === 'sock_release' ? family === 10 : hook.endsWith('6');
      return {
        address: value.slice(AT.address, AT.address + (v6 ? 16 : 4)),
        port: dv.getUint16(AT.port, false),
        retval: dv.getInt32(AT.retval, true),
        cookie: dv.getBigUint64(AT.cookie, true),
        netnsCookie: dv.getBigUint64(AT.netns, true),
        runs: dv.getBigUint64(AT.runs, true),
        family,
      };
    },
  };
}
