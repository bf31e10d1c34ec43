// What the verifier sees: a refusal maps back to the BPF-TS line (with the bounds check removed
// by hand, the packet read is refused and the diagnostic names its line); and register pressure
// across helper calls spills scalars and packet pointers to 8-byte slots the verifier accepts.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { isBranch, withFields, type Item } from '../../compiler/bpf/insn.ts';
import { explainVerifierLog } from '../../compiler/lang/back/verifier-log.ts';
import { progLoad, ProgType, VerifierError } from '../../runtime/sys/bpf.ts';

const parser = `
import { EthHdr } from '../headers.ts';
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XDP_DROP;
  return eth.h_proto === htons(0x0800) ? XDP_PASS : XDP_DROP;
}
`;

kernelTest('a verifier refusal is reported at the BPF-TS line of the instruction it stopped at', (t) => {
  const r = compileOk(t, parser);
  const items = linkItems(r.object, 'f');
  // Spoil the bounds check (compare the pointer with itself), as a miscompiled program would.
  const check = items.findIndex((i) => i.kind === 'insn' && isBranch(i));
  const broken: Item[] = items.map((i, k) => (k === check && i.kind === 'insn' ? withFields(i, { src: i.dst }) : i));
  const enc = encode(broken, { maps: {} });
  const e = t.throws(() => progLoad({ type: ProgType.XDP, insns: enc.bytes, license: 'GPL', name: 'broken' }), { instanceOf: VerifierError }) as VerifierError;
  const d = explainVerifierLog('f', e.log, enc);
  t.is(d.code, 'SY3070');
  t.regex(d.message, /invalid access to packet/);
  t.is(d.range?.line, 7, `points at the packet read: ${d.message}`);
  t.regex(d.notes?.[0] ?? '', /eth\.h_proto/);
});

const pressure = `
interface In { v: FixedArray<u32, 8> }
interface Out { sum: u64; mixed: u32; _pad: u32 }

/** @section xdp */
export function f(ctx: XdpMd): u32 {
  const i = ctx.header<In>(14);
  const o = ctx.header<Out>(46);
  if (!i || !o) return XDP_ABORTED;
  const a = i.v[0]; const b = i.v[1]; const c = i.v[2]; const d = i.v[3];
  const e = i.v[4]; const f = i.v[5]; const g = i.v[6]; const h = i.v[7];
  const r1 = bpf_get_prandom_u32() & 0;
  const t1 = bpf_ktime_get_ns() & 0;
  o.sum = u64(a) + u64(b) * 2 + u64(c) * 3 + u64(d) * 4 + u64(e) * 5 + u64(f) * 6 + u64(g) * 7 + u64(h) * 8 + u64(r1) + t1;
  o.mixed = (a ^ h) + (b ^ g) + (c ^ f) + (d ^ e);
  return XDP_PASS;
}
`;

kernelTest('values and packet pointers live across helper calls are spilled and reloaded correctly', (t) => {
  const r = compileOk(t, pressure);
  const p = load(t, r);
  const stores = r.object.programs[0]!.items.filter((i) => i.kind === 'insn' && i.op === 0x7b && i.dst === 10).length;
  t.true(stores >= 4, `spills to the stack (${stores} 8-byte stores through r10)`);
  const v = [3, 0xffffffff, 17, 40000, 5, 6, 0x80000000, 9];
  const pkt = new Uint8Array(64);
  const dv = new DataView(pkt.buffer);
  v.forEach((x, k) => dv.setUint32(14 + 4 * k, x, true));
  const out = p.run(pkt);
  t.is(out.retval, 2);
  const od = new DataView(out.data.buffer, out.data.byteOffset);
  const sum = v.reduce((s, x, k) => s + BigInt(x) * BigInt(k + 1), 0n);
  t.is(od.getBigUint64(46, true), sum);
  const mixed = (((v[0]! ^ v[7]!) >>> 0) + ((v[1]! ^ v[6]!) >>> 0) + ((v[2]! ^ v[5]!) >>> 0) + ((v[3]! ^ v[4]!) >>> 0)) >>> 0;
  t.is(od.getUint32(54, true), mixed);
});
