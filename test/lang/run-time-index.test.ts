// Array indices known only at run time: accepted when the index bounds itself (`i % N`, `i & M`,
// through casts) within the array, in map values and on the stack, and checked by the kernel;
// refused (SY3043) when unbounded, bounded past the end, or into packet memory.

import test from 'ava';
import { kernelTest } from '../helpers/kernel.ts';
import { compile, compileOk, load } from './helpers.ts';

const source = `
interface Cmd { a: u32; b: u32 }
interface Row { vals: FixedArray<u16, 5> }
export const rows = map<u32, Row>({ type: 'array', maxEntries: 1 });
const N = 5;
/** @section xdp */
export function idx(ctx: XdpMd): u32 {
  const c = ctx.header<Cmd>(14);
  if (!c) return 0xffffffff;
  const buf = zeroed<FixedArray<u32, 8>>();
  buf[c.a & 7] = 40;
  buf[u8(c.b) & 7] += 2;
  const row = rows.lookup(0);
  if (!row) return 0xfffffffe;
  row.vals[c.a % N] = u16(c.b);
  return buf[c.a & 7] + u32(row.vals[c.a % 5]);
}
`;

kernelTest('run-time indices into a stack array and a map value, checked by the kernel', (t) => {
  const p = load(t, compileOk(t, source));
  const run = (a: number, b: number) => {
    const frame = new Uint8Array(64);
    const v = new DataView(frame.buffer);
    v.setUint32(14, a, true);
    v.setUint32(18, b, true);
    return p.run(frame).retval;
  };
  t.is(run(3, 3), 42 + 3, 'same slot: 40 + 2, plus the row value written');
  t.is(run(3, 4), 40 + 4, 'different slots');
  t.is(run(0xffffffff, 7), 42 + 7, 'large index: masked to 7, modulo 5 is 0');
});

const rejected = (body: string) =>
  compile(`
/** @section xdp */
export function r(ctx: XdpMd): u32 {
  const arr = zeroed<FixedArray<u32, 8>>();
  const i = ctx.rx_queue_index;
  ${body}
}
`).diagnostics.filter((d) => d.code === 'SY3043').map((d) => d.message);

test('unbounded, over-long and packet run-time indices are SY3043', (t) => {
  t.regex(rejected('return arr[i];').join(), /must bound itself: write `i % 8` or `i & 7`/);
  t.regex(rejected('return arr[i % 9];').join(), /can reach 8, past the last element \(7\)/);
  t.regex(rejected('return arr[i & 8];').join(), /can reach 8/);
  t.deepEqual(rejected('return arr[i % 8] + arr[(i + 1) & 7];'), []);
  const packet = compile(`
import { EthHdr } from '../headers.ts';
/** @section xdp */
export function r(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return 0;
  return eth.h_dest[ctx.rx_queue_index % 6];
}
`).diagnostics.map((d) => d.message);
  t.regex(packet.join(), /run-time index into packet memory/);
});
