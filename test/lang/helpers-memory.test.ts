// Helpers that change the packet or the control flow (bpf_xdp_adjust_head, bpf_skb_store_bytes,
// bpf_tail_call), helpers that compute (bpf_csum_diff, clocks, cookies), and the word-sized
// copy/zero/equal intrinsics on packet, map and stack memory.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load, mapUpdate } from './helpers.ts';
import { onesSum } from './packets.ts';

const adjust = `
import { EthHdr } from '../headers.ts';
interface Tag { magic: be32; len: u16; _pad: u16 }

/** Pushes 8 bytes in front of the frame: a tag, then the old Ethernet header moved forward. */
/** @section xdp */
export function push(ctx: XdpMd): u32 {
  const before = ctx.header<EthHdr>(0);
  if (!before) return XDP_ABORTED;
  const proto = before.h_proto;
  if (bpf_xdp_adjust_head(ctx, -8) !== 0) return XDP_ABORTED;
  const tag = ctx.header<Tag>(0);
  if (!tag) return XDP_ABORTED;
  tag.magic = htonl(0xc0ffee00);
  tag.len = 8;
  tag._pad = 0;
  const eth = ctx.header<EthHdr>(8);
  if (!eth) return XDP_ABORTED;
  return eth.h_proto === proto ? XDP_TX : XDP_DROP;
}
`;

kernelTest('bpf_xdp_adjust_head: packet pointers are taken again after it, and the new bytes land in front', (t) => {
  const p = load(t, compileOk(t, adjust));
  const frame = new Uint8Array(60);
  frame.set([0x08, 0x00], 12);
  const out = p.run(frame);
  t.is(out.retval, 3);
  t.is(out.data.length, 68, 'eight bytes longer');
  t.deepEqual([...out.data.subarray(0, 6)], [0xc0, 0xff, 0xee, 0x00, 8, 0]);
  t.deepEqual([...out.data.subarray(20, 22)], [0x08, 0x00], 'the old header follows');
});

const storeBytes = `
import { EthHdr } from '../headers.ts';
interface Mac { b: FixedArray<u8, 6> }

/** @section tc */
export function rewriteMac(ctx: SkBuff): i32 {
  const mac: Mac = { b: [0x02, 0x11, 0x22, 0x33, 0x44, 0x55] };
  if (bpf_skb_store_bytes(ctx, 0, mac, 6, 0) !== 0) return TC_ACT_SHOT;
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return TC_ACT_SHOT;
  ctx.mark = 0x1234;
  return eth.h_dest[5] === 0x55 ? TC_ACT_OK : TC_ACT_SHOT;
}
`;

kernelTest('bpf_skb_store_bytes writes from a stack object; the header is read again after it', (t) => {
  const p = load(t, compileOk(t, storeBytes));
  const frame = new Uint8Array(60);
  frame.set([0x08, 0x00], 12);
  const out = p.run(frame);
  t.is(out.retval, 0);
  t.deepEqual([...out.data.subarray(0, 6)], [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
});

const tail = `
export const jump = progArray({ maxEntries: 4 });

/** @section xdp */
export function entry(ctx: XdpMd): u32 {
  bpf_tail_call(ctx, jump, 2);
  return XDP_PASS;
}

/** @section xdp */
export function target(ctx: XdpMd): u32 {
  return XDP_TX;
}
`;

kernelTest('bpf_tail_call jumps through a program array filled from user space', (t) => {
  const r = compileOk(t, tail);
  const entry = load(t, r, 'entry');
  const frame = new Uint8Array(60);
  t.is(entry.run(frame).retval, 2, 'empty slot: the call returns and the program goes on');
  // The array the entry program uses is entry's own instance; put the target's fd in slot 2.
  const target = load(t, r, 'target');
  mapUpdate(entry.maps.get('jump')!, new Uint8Array([2, 0, 0, 0]), new Uint8Array(new Uint32Array([target.fd]).buffer));
  t.is(entry.run(frame).retval, 3, 'filled slot: the target runs instead');
});

const compute = `
interface Words { a: FixedArray<be32, 2>; b: FixedArray<be32, 2> }
interface Out { diff: u32; clocks: u32; same: u8; differ: u8; zeroed: u8; _pad: u8; copy: FixedArray<u32, 4> }
interface Blob { w: FixedArray<u32, 4> }
export const blobs = map<u32, Blob>({ type: 'array', maxEntries: 2 });

/** @section xdp */
export function compute(ctx: XdpMd): u32 {
  const w = ctx.header<Words>(14);
  const o = ctx.header<Out>(30);
  if (!w || !o) return XDP_ABORTED;
  o.diff = u32(bpf_csum_diff(w.a, 8, w.b, 8, 0));
  o.clocks = u32(bpf_jiffies64() > 0 && bpf_ktime_get_ns() > 0);
  const x = blobs.lookup(0);
  const y = blobs.lookup(1);
  if (!x || !y) return XDP_ABORTED;
  o.same = u8(equal(x, y));
  const local: Blob = { w: [1, 2, 3, 4] };
  o.differ = u8(equal(x, local));
  copy(x, local);
  copy(o.copy, x.w);
  zero(local);
  o.zeroed = u8(local.w[0] === 0 && local.w[3] === 0 && equal(x, y) === false);
  return XDP_PASS;
}
`;

kernelTest('bpf_csum_diff, the clocks, and word-sized equal/copy/zero on packet, map and stack memory', (t) => {
  const r = compileOk(t, compute);
  // The talk's lesson: no byte-by-byte moves for 16-byte blocks (only the u8 result fields).
  const byteLoads = r.object.programs[0]!.items.filter((i) => i.kind === 'insn' && i.op === 0x71).length;
  t.is(byteLoads, 0, 'no one-byte loads');
  const p = load(t, r);
  const frame = new Uint8Array(64);
  frame.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 0, 0, 0, 1], 14);
  const out = p.run(frame);
  t.is(out.retval, 2);
  const od = new DataView(out.data.buffer, out.data.byteOffset + 30);
  // csum_diff(a, b) = ones' sum of b plus the complement of a, as 16-bit words in memory order.
  const a = [1, 2, 3, 4, 5, 6, 7, 8];
  const b = [9, 9, 9, 9, 0, 0, 0, 1];
  const le16 = (bytes: number[]) => bytes.reduce<number[]>((ws, _, i) => (i % 2 ? ws : [...ws, bytes[i]! | (bytes[i + 1]! << 8)]), []);
  let s = 0;
  for (const x of le16(b)) s += x;
  for (const x of le16(a)) s += ~x & 0xffff;
  const fold = (v: number) => {
    while (v > 0xffff) v = (v & 0xffff) + (v >>> 16);
    return v;
  };
  t.is(fold(od.getUint32(0, true)), fold(s), 'bpf_csum_diff, folded');
  void onesSum;
  t.is(od.getUint32(4, true), 1, 'jiffies64 and ktime_get_ns tick');
  t.is(od.getUint8(8), 1, 'two zeroed map values are equal');
  t.is(od.getUint8(9), 0, 'a map value differs from 1,2,3,4');
  t.is(od.getUint8(10), 1, 'zero() cleared the stack copy, copy() changed the map value');
  t.deepEqual([0, 1, 2, 3].map((k) => od.getUint32(12 + 4 * k, true)), [1, 2, 3, 4], 'copied stack -> map -> packet');
});
