// Corners of the language that are easy to get wrong: switch inside a loop (break leaves the
// switch, continue the loop), early returns from unrolled loops and from inlined functions,
// references chosen by ?: and reassigned in loops, nested struct copies, bool functions in
// conditions, constant-folded logic. Each program runs in the kernel on one packet.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';

const source = `
interface Pair { x: u32; y: u32 }
interface Outer { a: Pair; b: Pair; tag: u64 }
interface In { v: FixedArray<u32, 6>; sel: u32; _pad: u32 }
interface Out { r: FixedArray<u32, 8> }
export const store = map<u32, Outer>({ type: 'array', maxEntries: 2 });

const DEBUG = false;
const LIMIT = 3;

function isOdd(x: u32): bool {
  return (x & 1) === 1;
}

function firstOver(i: In, k: u32): u32 {
  for (let n = 0; n < 6; n++) {
    if (i.v[n] > k) return n;
  }
  return 99;
}

/** @section xdp */
export function corners(ctx: XdpMd): u32 {
  const i = ctx.header<In>(14);
  const o = ctx.header<Out>(46);
  if (!i || !o) return XDP_ABORTED;
  let acc: u32 = 0;
  for (let k: u32 = 0; k < 10; k++) {
    switch (k % 4) {
      case 0:
        acc += 1;
        break;
      case 1:
        if (k > 5) continue;
        acc += 10;
        break;
      default:
        acc += 100;
    }
    acc += 1000;
  }
  o.r[0] = acc;
  o.r[1] = firstOver(i, 10);
  o.r[2] = isOdd(i.sel) ? 1 : 0;
  const a = store.lookup(0);
  const b = store.lookup(1);
  if (!a || !b) return XDP_ABORTED;
  a.a = { x: i.v[0], y: i.v[1] };
  a.b = a.a;
  a.tag = 7;
  copy(b, a);
  const pick = i.sel > 5 ? a.b : b.a;
  o.r[3] = pick.x + pick.y;
  let best: Pair | null = null;
  for (let n = 0; n < 2; n++) {
    const p = store.lookup(n);
    if (p && (best === null || p.a.x > best.x)) best = p.a;
  }
  o.r[4] = best ? best.x : 0;
  o.r[5] = DEBUG && i.sel > 0 ? 1 : LIMIT > 2 || i.sel === 0 ? 2 : 3;
  o.r[6] = u32(b.tag) + b.b.y;
  o.r[7] = isOdd(i.v[2]) && !isOdd(i.v[3]) ? 11 : 22;
  return XDP_PASS;
}
`;

kernelTest('corners: switch in loops, early returns, reference ?:, struct copies, bool functions', (t) => {
  const p = load(t, compileOk(t, source));
  const pkt = new Uint8Array(14 + 32 + 32 + 8);
  const dv = new DataView(pkt.buffer);
  [5, 9, 3, 20, 1, 2].forEach((v, k) => dv.setUint32(14 + 4 * k, v, true));
  dv.setUint32(38, 7, true);
  const out = p.run(pkt);
  t.is(out.retval, 2);
  const od = new DataView(out.data.buffer, out.data.byteOffset + 46);
  const r = Array.from({ length: 8 }, (_, k) => od.getUint32(4 * k, true));
  // k = 0..9: k%4 = 0 (k=0,4,8): +1; 1 (k=1,5,9): +10 unless k>5 (9 continues, skipping +1000); others: +100.
  const acc = 3 * 1 + 2 * 10 + 4 * 100 + 9 * 1000;
  t.deepEqual(r, [acc, 3, 1, 5 + 9, 5, 2, 7 + 9, 11]);
});
