// The runtime tests' object: a small socket load balancer and packet counters, written with
// Switchyard's own BPF backend (compiler/bpf), so the runtime tests need no clang and run on a
// Node-only machine. Its variants: `variant: 2` swaps in different instructions (a program swap
// that counts two per packet), `sockOnly` keeps only the cgroup program (no devices needed),
// `broken` dereferences a lookup without its NULL check (both verifiers refuse it), and
// `maxServices` sizes the maps (a geometry change). Clang's own objects are tested through
// runtime/program.test.ts and the checked-in test/bpf/fixtures/clang-lb.o.

import * as a from '../../compiler/bpf/asm.ts';
import { be16, be32, struct, u16, u32, u64 } from '../../compiler/bpf/ctype.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { buildObject, type FunctionDef, type ProgramDef } from '../../compiler/bpf/object.ts';
import { R0, R1, R2, R6, R7, R10 } from '../../compiler/bpf/register.ts';

export interface SocklbVariant {
  variant?: 1 | 2;
  sockOnly?: boolean;
  broken?: boolean;
  /** max_entries of services and backends (default 64). */
  maxServices?: number;
}

const svcKey = struct('svc_key', [['vip', be32], ['port', be16], ['slot', u16]]);
const svcValue = struct('svc_value', [['backend', u32]]);
const backend = struct('backend', [['addr', be32], ['port', be16], ['pad', u16]]);

/** struct bpf_sock_addr: the fields connect4 reads and writes. */
const USER_FAMILY = 0;
const USER_IP4 = 4;
const USER_PORT = 24;
const AF_INET = 2;

// Line info: each step carries the statement it implements, numbered as lines of a notional
// socklb.ts, so verifier messages and listings name a source line as they do for the datapath.
const step = (line: number, text: string, ...items: Item[]): Item[] => a.at({ file: 'socklb.ts', line, col: 3, text }, ...items);

/** connect4: services[{vip, port, 0}] gives the backend count, a random slot 1..n the backend id. */
function connect4(v: SocklbVariant): ProgramDef {
  return {
    name: 'sock4_connect',
    section: 'cgroup/connect4',
    items: [
      ...step(1, 'const key = { vip: ctx.user_ip4, port: ctx.user_port, slot: 0 };',
        a.mov64(R6, R1),
        a.ldx('u32', R1, R6, USER_IP4), a.stx('u32', R10, -8, R1),
        a.ldx('u32', R1, R6, USER_PORT), a.stx('u16', R10, -4, R1),
        a.st('u16', R10, -2, 0)),
      ...(v.variant === 2 ? step(2, 'if (ctx.user_family != AF_INET) return 1;', a.ldx('u32', R1, R6, USER_FAMILY), a.jne(R1, AF_INET, 'allow')) : []),
      ...step(3, 'const svc = services.lookup(key);', a.mov64(R2, R10), a.add64(R2, -8), a.ldMap(R1, 'services'), a.call('map_lookup_elem')),
      ...(v.broken
        ? step(4, 'if (svc.backend == 0) return 1;', a.ldx('u32', R7, R0, 0), a.jeq(R7, 0, 'allow'))
        : step(4, 'if (!svc || svc.backend == 0) return 1;', a.jeq(R0, 0, 'allow'), a.ldx('u32', R7, R0, 0), a.jeq(R7, 0, 'allow'))),
      ...step(5, 'key.slot = bpf_get_prandom_u32() % svc.backend + 1;', a.call('get_prandom_u32'), a.mod32(R0, R7), a.add32(R0, 1), a.stx('u16', R10, -2, R0)),
      ...step(6, 'const slot = services.lookup(key); if (!slot) return 1;',
        a.mov64(R2, R10), a.add64(R2, -8), a.ldMap(R1, 'services'), a.call('map_lookup_elem'), a.jeq(R0, 0, 'allow')),
      ...step(7, 'const be = backends.lookup(slot.backend); if (!be) return 1;', a.mov64(R2, R0), a.ldMap(R1, 'backends'), a.call('map_lookup_elem'), a.jeq(R0, 0, 'allow')),
      ...step(8, 'ctx.user_ip4 = be.addr; ctx.user_port = be.port;',
        a.ldx('u32', R1, R0, 0), a.stx('u32', R6, USER_IP4, R1),
        a.ldx('u16', R1, R0, 4), a.stx('u32', R6, USER_PORT, R1)),
      a.label('allow'),
      ...step(9, 'return 1;', a.mov64(R0, 1), a.exit()),
    ],
  };
}

/** count(which): packets[which] += variant, a BPF-to-BPF function shared by the device programs. */
function count(v: SocklbVariant): FunctionDef {
  return {
    name: 'count',
    params: 1,
    items: [
      ...step(20, 'const n = packets.lookup(which);', a.stx('u32', R10, -4, R1), a.mov64(R2, R10), a.add64(R2, -4), a.ldMap(R1, 'packets'), a.call('map_lookup_elem')),
      ...step(21, `if (n) atomicAdd(n, ${v.variant ?? 1});`, a.jeq(R0, 0, 'out'), a.mov64(R1, v.variant ?? 1), a.atomic('add', 'u64', R0, 0, R1)),
      a.label('out'),
      ...step(22, 'return 0;', a.mov64(R0, 0), a.exit()),
    ],
  };
}

/** A device program: count(which), then `verdict` (XDP_PASS, TCX_NEXT). */
const counter = (name: string, section: string, which: number, verdict: number): ProgramDef => ({
  name,
  section,
  items: [a.mov64(R1, which), a.callLocal('count'), a.mov64(R0, verdict), a.exit()],
});

export function socklbObject(v: SocklbVariant = {}): Uint8Array {
  const maxEntries = v.maxServices ?? 64;
  return buildObject({
    maps: [
      { name: 'services', type: 'hash', key: svcKey, value: svcValue, maxEntries },
      { name: 'backends', type: 'hash', key: u32, value: backend, maxEntries },
      // packets seen by XDP, tcx ingress, tcx egress; present in every variant
      { name: 'packets', type: 'array', key: u32, value: u64, maxEntries: 3 },
    ],
    programs: [
      connect4(v),
      ...(v.sockOnly
        ? []
        : [counter('xdp_count', 'xdp', 0, 2), counter('tc_count', 'tcx/ingress', 1, -1), counter('tc_egress_count', 'tcx/egress', 2, -1)]),
    ],
    functions: v.sockOnly ? [] : [count(v)],
    license: 'Dual BSD/GPL',
  }).elf;
}
