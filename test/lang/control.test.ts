// Control flow in the kernel: rotated bounded loops with break and continue, descending loops,
// unrolled loops that index arrays, a long loop the verifier walks, switch (empty cases share a
// body; TypeScript's noFallthroughCasesInSwitch holds for the rest),
// inlined functions with early returns, BPF-to-BPF calls, ?: and short-circuit logic.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';

const source = `
interface In { n: u32; x: u32; arr: FixedArray<u32, 8> }
interface Out { sum: u32; total: u32; firstBig: u32; odd: u32; fn: u32; sw: u32; down: i32; long: u32; logic: u32 }

function clamp(v: u32, hi: u32): u32 {
  if (v > hi) return hi;
  return v;
}

/** @noinline */
function mix(a: u32, b: u32): u32 {
  let r: u32 = a;
  for (let i: u32 = 0; i < 4; i++) r = r * 31 + b;
  return r;
}

function grade(x: u32): u32 {
  let g: u32 = 0;
  switch (x & 7) {
    case 0:
      g += 1;
      g += 10;
      break;
    case 1:
      g += 10;
      break;
    case 2:
    case 3:
      g = 100;
      break;
    default:
      g = 1000;
  }
  return g;
}

/** @section xdp */
export function flow(ctx: XdpMd): u32 {
  const i = ctx.header<In>(14);
  const o = ctx.header<Out>(14 + sizeof<In>());
  if (!i || !o) return XDP_ABORTED;
  let sum: u32 = 0;
  for (let k: u32 = 0; k < 100; k++) {
    if (k === i.n) break;
    if ((k & 1) === 1) continue;
    sum += k;
  }
  o.sum = sum;
  let total: u32 = 0;
  let firstBig: u32 = 99;
  let odd: u32 = 0;
  for (let k = 0; k < 8; k++) {
    total += i.arr[k];
    if (firstBig === 99 && i.arr[k] > 1000) firstBig = k;
    if ((i.arr[k] & 1) !== 0) odd++;
  }
  o.total = total;
  o.firstBig = firstBig;
  o.odd = odd;
  o.fn = clamp(i.x, 500) + mix(i.x, 7);
  o.sw = grade(i.x);
  let down: i32 = 0;
  for (let k: i32 = 10; k > -5; k -= 3) down = down * 2 + k;
  o.down = down;
  let acc: u32 = i.x;
  for (let k: u32 = 0; k < 1000; k++) acc = acc ^ (acc << 1) ^ k;
  o.long = acc;
  o.logic = (i.x > 10 && i.n < 50) || i.x === 3 ? 1 : 0;
  return XDP_PASS;
}
`;

function reference(n: number, x: number, arr: number[]) {
  const u = (v: number) => v >>> 0;
  let sum = 0;
  for (let k = 0; k < 100; k++) {
    if (k === n) break;
    if (k & 1) continue;
    sum += k;
  }
  const total = u(arr.reduce((a, b) => a + b, 0));
  const big = arr.findIndex((v) => v > 1000);
  const odd = arr.filter((v) => v & 1).length;
  let r = x;
  for (let k = 0; k < 4; k++) r = u(Math.imul(r, 31) + 7);
  const fn = u(Math.min(x, 500) + r);
  const g = [11, 10, 100, 100, 1000, 1000, 1000, 1000][x & 7]!;
  let down = 0;
  for (let k = 10; k > -5; k -= 3) down = (down * 2 + k) | 0;
  let acc = x;
  for (let k = 0; k < 1000; k++) acc = u(acc ^ u(acc << 1) ^ k);
  const logic = (x > 10 && n < 50) || x === 3 ? 1 : 0;
  return [sum, total, big < 0 ? 99 : big, odd, fn, g, u(down), acc, logic];
}

kernelTest('control flow: loops, unrolling, switch, inlined returns, BPF-to-BPF calls', (t) => {
  const r = compileOk(t, source);
  const p = load(t, r);
  const items = r.object.programs[0]!.items;
  t.true(items.some((i) => i.kind === 'insn' && i.op === 0x85 && i.src === 1), 'mix is a BPF-to-BPF call');
  const inputs: [number, number, number[]][] = [
    [0, 0, [0, 0, 0, 0, 0, 0, 0, 0]],
    [7, 3, [1, 2, 3, 4, 5, 6, 7, 8]],
    [50, 600, [10, 2000, 3, 5000, 1, 1, 1, 0xffffffff]],
    [200, 12, [1001, 0, 0, 0, 0, 0, 0, 1]],
    [33, 0xdeadbeef, [7, 7, 7, 7, 7, 7, 7, 2000]],
  ];
  for (const [n, x, arr] of inputs) {
    const pkt = new Uint8Array(14 + 40 + 36 + 8);
    const dv = new DataView(pkt.buffer);
    dv.setUint32(14, n, true);
    dv.setUint32(18, x, true);
    arr.forEach((v, k) => dv.setUint32(22 + 4 * k, v, true));
    const out = p.run(pkt);
    t.is(out.retval, 2);
    const od = new DataView(out.data.buffer, out.data.byteOffset);
    const got = Array.from({ length: 9 }, (_, k) => od.getUint32(54 + 4 * k, true));
    t.deepEqual(got, reference(n, x, arr), `n=${n} x=${x}`);
  }
});
