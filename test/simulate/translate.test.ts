// The simulator without the kernel (no root): instruction semantics the BPF instruction set
// defines and WebAssembly does not share (division and modulo by zero, signed overflow, shift
// masking, 32-bit zero-extension, byte swaps, atomics), every program of the checked-in demo
// object translated and run through loadSimNode, and the refusal of a helper it does not model.
// insn-diff.test.ts runs the same programs against the kernel.

import test from 'ava';
import { helperId } from '../../format/bpf-helpers.ts';
import { loadSimNode } from '../../simulate/index.ts';
import { SimNode } from '../../simulate/node.ts';
import { UnknownHelperError } from '../../simulate/helpers/table.ts';
import { insnCases, objectOf, PACKET_SIZE } from './insn-cases.ts';
import { MAC } from '../packet/harness.ts';
import { packet, CLIENT } from '../packet/scene.ts';

const cases = new Map(insnCases().map((c) => [c.name, c.bytes]));
const ctx = new Uint8Array(192);

/** Runs case `name` with operands r2 = a, r3 = b; returns r2, r3, r0 and the stack word. */
async function run(name: string, a: bigint, b: bigint) {
  const bytes = cases.get(name);
  if (!bytes) throw new Error(`no case ${name}`);
  const node = await SimNode.create(objectOf(name, 'tc', bytes), { trace: false });
  const p = new Uint8Array(PACKET_SIZE);
  const dv = new DataView(p.buffer);
  dv.setBigUint64(0, BigInt.asUintN(64, a), true);
  dv.setBigUint64(8, BigInt.asUintN(64, b), true);
  const out = node.runRaw(node.program('p'), ctx, p).packet;
  const o = new DataView(out.buffer, out.byteOffset, out.byteLength);
  return { r2: o.getBigUint64(16, true), r3: o.getBigUint64(24, true), r0: o.getBigUint64(32, true), stack: o.getBigUint64(40, true) };
}

const U64 = (x: bigint) => BigInt.asUintN(64, x);
const MIN64 = -(1n << 63n);

const vectors: Array<[string, bigint, bigint, Partial<Record<'r2' | 'r3' | 'r0' | 'stack', bigint>>, string]> = [
  ['div64 r2, r3', 7n, 0n, { r2: 0n }, 'division by zero gives 0'],
  ['mod64 r2, r3', 7n, 0n, { r2: 7n }, 'modulo by zero leaves dst'],
  ['mod32 r2, r3', 0xffff_ffff_0000_0007n, 0n, { r2: 7n }, 'ALU modulo by zero zero-extends the low half'],
  ['div32 r2, r3', 0xffff_ffff_0000_0007n, 0x1_0000_0000n, { r2: 0n }, 'the divisor is the low half: zero'],
  ['sdiv64 r2, r3', MIN64, -1n, { r2: U64(MIN64) }, 'LLONG_MIN / -1 stays LLONG_MIN'],
  ['smod64 r2, r3', MIN64, -1n, { r2: 0n }, 'LLONG_MIN % -1 is 0'],
  ['sdiv32 r2, r3', 0x8000_0000n, 0xffff_ffffn, { r2: 0x8000_0000n }, 'INT_MIN / -1 in 32 bits'],
  ['lsh64 r2, r3', 1n, 65n, { r2: 2n }, 'shift counts are masked to 63'],
  ['rsh32 r2, r3', 0xffff_ffff_8000_0000n, 33n, { r2: 0x4000_0000n }, 'masked to 31, upper half zeroed'],
  ['arsh32 r2, r3', 0x8000_0000n, 4n, { r2: 0xf800_0000n }, 'arithmetic shift of the low half, zero-extended'],
  ['add32 r2, r3', 0xffff_ffffn, 1n, { r2: 0n }, 'wraps at 32 bits'],
  ['mov32 r2, -1', 0n, 0n, { r2: 0xffff_ffffn }, 'mov32 zero-extends its immediate'],
  ['mov64 r2, -1', 0n, 0n, { r2: U64(-1n) }, 'mov64 sign-extends its immediate'],
  ['movsx32 r2, r3, 8', 0n, 0x80n, { r2: 0xffff_ff80n }, 'movsx32 sign-extends into the low half only'],
  ['movsx64 r2, r3, 16', 0n, 0x8000n, { r2: U64(-0x8000n) }, 'movsx64'],
  ['be16 r2', 0x1122_3344_5566_7788n, 0n, { r2: 0x8877n }, 'to big endian swaps and truncates'],
  ['le32 r2', 0x1122_3344_5566_7788n, 0n, { r2: 0x5566_7788n }, 'to little endian only truncates'],
  ['bswap64 r2', 0x1122_3344_5566_7788n, 0n, { r2: 0x8877_6655_4433_2211n }, 'bswap64'],
  ['jset32 r2, r3', 0x1_0000_0000n, 0x1_0000_0000n, { r0: 2n }, 'JMP32 tests the low halves only'],
  ['jsgt r2, -1', 0n, 0n, { r0: 1n }, '0 > -1 signed'],
  ['jgt r2, -1', 0n, 0n, { r0: 2n }, '0 > 2^64-1 unsigned is false'],
  ['atomic cmpxchg u64', 5n, 9n, { r0: 9n, stack: 9n }, 'r0 (5) differs from the old value (9): no store, r0 = old'],
  ['atomic fetch_add u32', 0n, 0xffff_ffffn, { r3: 0xffff_ffffn, stack: 0xffff_fffen }, 'fetch_add returns the old low half; the word wraps in 32 bits'],
  ['ldx s8 (packet)', 0n, 0n, { r2: 0n }, 'sign-extending load'],
];

for (const [name, a, b, want, why] of vectors) {
  test(`${name}: ${why}`, async (t) => {
    const got = await run(name, a, b);
    for (const [k, v] of Object.entries(want)) t.is(got[k as keyof typeof got], v, k);
  });
}

test('a loop runs through the dispatch (backward jumps)', async (t) => {
  // r0 = r3 & 15 rounds of r2 = (r2 ^ 3) * 2.
  let want = 5n;
  for (let i = 0; i < 9; i++) want = U64((want ^ 3n) * 2n);
  t.is((await run('loop', 5n, 9n)).r2, want);
});

test('a helper the simulator does not model is refused by its kernel name', async (t) => {
  const call = new Uint8Array([0x85, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  new DataView(call.buffer).setInt32(4, helperId('get_current_pid_tgid'), true);
  const e = await t.throwsAsync(SimNode.create(objectOf('pid', 'tc', call)), { instanceOf: UnknownHelperError });
  t.regex(e!.message, /bpf_get_current_pid_tgid/);
});

const network = {
  devices: [{ ifindex: 2, mac: MAC.eth0 }, { ifindex: 3, mac: MAC.lxc0 }],
  routes: [
    { dst: '0.0.0.0/0', via: '10.0.0.254', dev: 2 },
    { dst: '10.0.0.0/24', dev: 2 },
    { dst: '10.2.0.0/24', via: '10.0.0.2', dev: 2 },
    { dst: '10.1.0.0/24', dev: 3 },
  ],
  neighbours: [
    { address: '10.0.0.254', mac: MAC.gateway, dev: 2 },
    { address: '10.0.0.2', mac: MAC.node2, dev: 2 },
    { address: '10.1.0.1', mac: MAC.pod, dev: 3 },
    { address: '10.1.0.2', mac: MAC.pod, dev: 3 },
  ],
  local: ['10.0.0.1'],
};

test('generated/demo node1: a ClusterIP connect is translated to one of its backends', async (t) => {
  const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network });
  const r = node.connect({ family: 4, proto: 'tcp', dst: '10.5.0.2', port: 80 });
  t.is(r.verdict, 'allow');
  t.true(['10.1.0.1', '10.2.0.1'].includes(r.dst), r.dst);
  t.is(r.port, 80);
  t.true(r.mapOps.some((o) => o.map === 'lb4_services' && o.op === 'lookup' && o.result === 0));
  t.true(r.pcs.length > 0 && r.pcs.every((pc) => pc * 8 < node.program(r.program).linked.insns.length));
});

test('generated/demo node1: a NodePort SYN is translated, redirected, and leaves a conntrack entry', async (t) => {
  const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network, seed: 7 });
  const syn = packet({ src: CLIENT, dst: '10.0.0.1', sport: 40000, dport: 30001 });
  const r = node.runPacket({ hook: 'tc-ingress', ifindex: 2, packet: syn });
  t.is(r.verdict, 'redirect');
  const dst = [...r.packet.subarray(30, 34)].join('.');
  t.true(['10.1.0.1', '10.2.0.1'].includes(dst), dst);
  t.is((r.packet[36]! << 8) | r.packet[37]!, 80);
  t.true(r.redirectIfindex === 2 || r.redirectIfindex === 3);
  t.true(node.maps.get('ct4')!.size > 0);
  t.true(r.mapOps.some((o) => o.map === 'ct4' && o.op === 'update' && o.result === 0));
  // Nothing else on the node answers: a packet to another port passes untouched.
  const other = packet({ src: CLIENT, dst: '10.0.0.1', sport: 40001, dport: 22 });
  const p = node.runPacket({ hook: 'tc-ingress', ifindex: 2, packet: other });
  t.is(p.verdict, 'pass');
  t.deepEqual([...p.packet], [...other]);
});
