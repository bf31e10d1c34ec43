// The LB core's Maglev choice in the kernel: a flow hash picks the slot `hash % table size` of the
// service's table in lb_maglev (a 64 KiB map value indexed at run time), the node's own table for
// a Local-policy entry, and 0 when no table exists. Run with BPF_PROG_TEST_RUN on crafted input.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load, mapUpdate } from '../lang/helpers.ts';

const SIZE = 16381;
const source = `
import { maglevBackend } from '../lb/index.ts';
interface Cmd { hash: u32; service: u16; set: u8; family: u8 }
/** @section xdp */
export function pick(ctx: XdpMd): u32 {
  const c = ctx.header<Cmd>(14);
  if (!c) return 0xffffffff;
  return maglevBackend(c.service, c.set, c.family, c.hash);
}
`;

const sizes = { mapServices: 16, mapBackends: 16, mapReverseNat: 16, mapAffinity: 16, mapConntrack: 16, mapSockReverseNat: 16, mapSourceRanges: 16 };

kernelTest('maglevBackend: the slot hash % size of the right table, 0 without one', (t) => {
  const r = compileOk(t, source, { config: sizes });
  const p = load(t, r);
  const table = new Uint8Array(SIZE * 4);
  const view = new DataView(table.buffer);
  for (let i = 0; i < SIZE; i++) view.setUint32(i * 4, 100 + (i % 7), true);
  const local = new Uint8Array(SIZE * 4);
  new DataView(local.buffer).setUint32(5 * 4, 555, true);
  const key = (service: number, set: number, family: number) => new Uint8Array([service & 0xff, service >> 8, set, family]);
  mapUpdate(p.maps.get('lb_maglev')!, key(3, 0, 4), table);
  mapUpdate(p.maps.get('lb_maglev')!, key(3, 1, 4), local);
  const run = (hash: number, service = 3, set = 0, family = 4) => {
    const frame = new Uint8Array(64);
    const v = new DataView(frame.buffer);
    v.setUint32(14, hash, true);
    v.setUint16(18, service, true);
    frame[20] = set;
    frame[21] = family;
    return p.run(frame).retval;
  };
  for (const hash of [0, 1, 6, 7, 16380, 16381, 16382, 0xffffffff, 123456789]) {
    t.is(run(hash), 100 + ((hash % SIZE) % 7), `hash ${hash}`);
  }
  t.is(run(5), 100 + 5, 'the all-backends table');
  t.is(run(5, 3, 1), 555, 'the node table (set 1)');
  t.is(run(5, 3, 0, 6), 0, 'no IPv6 table: 0');
  t.is(run(5, 4), 0, 'another service: 0');
});
