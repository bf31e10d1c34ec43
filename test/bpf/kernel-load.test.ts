// The running kernel accepts hand-assembled programs of every program type the datapath uses,
// with the right expected attach types, and runs the newer instructions (signed division,
// sign-extending moves and loads, bswap, gotol, atomics) as our encoding means them.
// Refusals carry the verifier's log.

import type { ExecutionContext } from 'ava';
import * as a from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { R0, R1, R2, R3, R10 } from '../../compiler/bpf/register.ts';
import { AttachType, MapType, ProgType, VerifierError, mapCreate, progLoad, progTestRun } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { kernelTest } from '../helpers/kernel.ts';

const LICENSE = 'Dual BSD/GPL';

function load(t: ExecutionContext, type: number, items: Item[], expectedAttachType?: number, maps?: Record<string, number>): number {
  const { bytes } = encode(items, { maps });
  const { fd } = progLoad({ type, insns: bytes, license: LICENSE, name: 'sy_test', ...(expectedAttachType !== undefined && { expectedAttachType }) });
  t.teardown(() => closeFd(fd));
  return fd;
}

/** Runs an XDP program on a zeroed 64-byte packet; its r0 (low 32 bits) comes back. */
function xdpResult(t: ExecutionContext, items: Item[], maps?: Record<string, number>): number {
  return progTestRun(load(t, ProgType.XDP, items, AttachType.XDP, maps), { data: new Uint8Array(64) }).retval;
}

const ret = (...body: Item[]): Item[] => [...body, a.exit()];
const low = (n: number) => n >>> 0;

kernelTest('xdp and tc (tcx ingress/egress) programs load', (t) => {
  t.is(xdpResult(t, ret(a.mov64(R0, 2))), 2, 'XDP_PASS');
  for (const attach of [AttachType.TCX_INGRESS, AttachType.TCX_EGRESS, undefined]) {
    const fd = load(t, ProgType.SCHED_CLS, ret(a.mov64(R0, -1)), attach);
    t.true(fd > 0);
  }
});

kernelTest('cgroup sock_addr programs load for every hook the socket LB uses', (t) => {
  const hooks = [
    AttachType.CGROUP_INET4_CONNECT,
    AttachType.CGROUP_INET6_CONNECT,
    AttachType.CGROUP_UDP4_SENDMSG,
    AttachType.CGROUP_UDP6_SENDMSG,
    AttachType.CGROUP_UDP4_RECVMSG,
    AttachType.CGROUP_UDP6_RECVMSG,
    AttachType.CGROUP_INET4_GETPEERNAME,
    AttachType.CGROUP_INET6_GETPEERNAME,
    AttachType.CGROUP_INET4_BIND,
    AttachType.CGROUP_INET6_BIND,
  ];
  // Reads user_port (offset 24 of struct bpf_sock_addr), as a real hook would, and allows.
  for (const hook of hooks) t.true(load(t, ProgType.CGROUP_SOCK_ADDR, ret(a.ldx('u32', R2, R1, 24), a.mov64(R0, 1)), hook) > 0);
  for (const hook of [AttachType.CGROUP_INET4_POST_BIND, AttachType.CGROUP_INET6_POST_BIND, AttachType.CGROUP_INET_SOCK_RELEASE]) {
    t.true(load(t, ProgType.CGROUP_SOCK, ret(a.mov64(R0, 1)), hook) > 0);
  }
});

kernelTest('signed division and modulo, sign-extending moves and byte swaps compute what they mean', (t) => {
  const low32 = (n: bigint) => Number(BigInt.asUintN(32, n));
  t.is(xdpResult(t, ret(a.mov64(R0, -7), a.sdiv64(R0, 2))), low32(-3n));
  t.is(xdpResult(t, ret(a.mov64(R0, -7), a.smod64(R0, 2))), low32(-1n));
  t.is(xdpResult(t, ret(a.mov64(R0, -7), a.mov64(R1, 2), a.sdiv32(R0, R1))), low32(-3n));
  t.is(xdpResult(t, ret(a.mov64(R0, -7), a.div64(R0, 2), a.rsh64(R0, 32))), 0x7fffffff, 'unsigned division of 2^64-7');
  t.is(xdpResult(t, ret(a.mov64(R1, 0x80), a.movsx64(R0, R1, 8), a.rsh64(R0, 32))), 0xffffffff, 'sign reaches the upper half');
  t.is(xdpResult(t, ret(a.mov64(R1, 0x8000), a.movsx32(R0, R1, 16))), 0xffff8000);
  t.is(xdpResult(t, ret(a.mov64(R0, 0x1234), a.bswap16(R0))), 0x3412);
  t.is(xdpResult(t, ret(a.mov64(R0, 0x12345678), a.bswap32(R0))), 0x78563412);
  t.is(xdpResult(t, ret(a.ldImm64(R0, 0x1122334455667788n), a.bswap64(R0))), 0x44332211);
  t.is(xdpResult(t, ret(a.mov64(R0, 0x1234), a.be16(R0))), 0x3412, 'to network order on a little-endian host');
  t.is(xdpResult(t, ret(a.ldImm64(R0, 0x1234_5678_9abc_def0n), a.rsh64(R0, 32))), 0x12345678, 'LD_IMM64 high half');
  t.is(xdpResult(t, ret(a.mov32(R0, -8), a.arsh32(R0, 1))), low32(-4n));
});

kernelTest('sign-extending loads, stores of immediates and atomics act on memory as meant', (t) => {
  t.is(xdpResult(t, ret(a.st('u8', R10, -1, 0xff), a.ldx('s8', R0, R10, -1), a.rsh64(R0, 32))), 0xffffffff);
  t.is(xdpResult(t, ret(a.st('u32', R10, -4, -2), a.ldx('s32', R0, R10, -4))), low(-2));
  const slot = [a.st('u64', R10, -8, 5), a.mov64(R1, 3)];
  t.is(xdpResult(t, ret(...slot, a.atomic('fetch_add', 'u64', R10, -8, R1), a.mov64(R0, R1))), 5, 'fetch returns the old value');
  t.is(xdpResult(t, ret(...slot, a.atomic('add', 'u64', R10, -8, R1), a.ldx('u64', R0, R10, -8))), 8);
  t.is(xdpResult(t, ret(...slot, a.atomic('xchg', 'u64', R10, -8, R1), a.ldx('u64', R0, R10, -8))), 3);
  t.is(xdpResult(t, ret(...slot, a.mov64(R0, 5), a.atomic('cmpxchg', 'u64', R10, -8, R1), a.ldx('u64', R0, R10, -8))), 3, 'swapped when equal');
  t.is(xdpResult(t, ret(a.st('u32', R10, -4, 6), a.mov32(R1, 3), a.atomic('fetch_and', 'u32', R10, -4, R1), a.ldx('u32', R0, R10, -4))), 2);
});


kernelTest('jumps: gotol, jset, JMP32, and far jumps relaxed by the encoder', (t) => {
  // The kernel refuses unreachable code, so the skipped move is also a branch target.
  const gotol = ret(a.mov64(R0, 1), a.jeq(R1, 0, 'two'), a.gotol('end'), a.label('two'), a.mov64(R0, 2), a.label('end'));
  t.is(xdpResult(t, gotol), 1);
  t.is(xdpResult(t, ret(a.mov64(R1, 6), a.mov64(R0, 1), a.jset(R1, 4, 'end'), a.mov64(R0, 2), a.label('end'))), 1);
  t.is(xdpResult(t, ret(a.ldImm64(R1, 0x1_0000_0000n), a.mov64(R0, 1), a.jeq32(R1, 0, 'end'), a.mov64(R0, 2), a.label('end'))), 1, 'JMP32 sees the low half');
  const filler = Array.from({ length: 33000 }, () => a.mov64(R2, 0));
  t.is(xdpResult(t, ret(a.mov64(R1, 7), a.mov64(R0, 1), a.jeq(R1, 7, 'far'), a.mov64(R0, 2), ...filler, a.label('far'))), 1, 'conditional over 33000 slots');
});

kernelTest('BPF-to-BPF calls and map lookups through linkItems and map fds', (t) => {
  const map = mapCreate({ type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, name: 'sy_test' });
  t.teardown(() => closeFd(map));
  const items = linkItems(
    {
      functions: [{ name: 'twice', params: 1, items: ret(a.mov64(R0, R1), a.add64(R0, R1)) }],
      programs: [
        {
          name: 'p',
          section: 'xdp',
          items: ret(
            a.st('u32', R10, -4, 0),
            a.mov64(R2, R10),
            a.add64(R2, -4),
            a.ldMap(R1, 'cfg'),
            a.call('map_lookup_elem'),
            a.mov64(R1, 21),
            a.jeq(R0, 0, 'miss'),
            a.ldx('u64', R3, R0, 0),
            a.add64(R1, R3),
            a.label('miss'),
            a.callLocal('twice'),
          ),
        },
      ],
    },
    'p',
  );
  t.is(xdpResult(t, items, { cfg: map }), 42, 'twice(21 + 0)');
});

kernelTest('a refused program comes back as a VerifierError with the log', (t) => {
  const e = t.throws(() => load(t, ProgType.XDP, ret(a.mov64(R0, R2))), { instanceOf: VerifierError }) as VerifierError;
  t.regex(e.message, /R2 !read_ok/);
  t.regex(e.log, /0: \(bf\) r0 = r2/);
});
