// A packet offset carried around a loop (walking IPv6 extension headers, each of a length the
// packet itself gives) is proven below 64 KiB before every access, so the verifier accepts the
// loop; and atomicAdd counts in a shared map value.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load, mapLookup } from './helpers.ts';
import { ethernet } from './packets.ts';

const walk = `
import { Ipv6Hdr, UdpHdr, ETH_HLEN, IPPROTO_UDP } from '../headers.ts';
interface ExtHdr { nexthdr: u8; hdrlen: u8; _rest: FixedArray<u8, 6> }
interface Counter { packets: u64; headers: u32; _pad: u32 }
export const counts = map<u32, Counter>({ type: 'array', maxEntries: 1 });

const HOPOPTS = 0;
const ROUTING = 43;
const DSTOPTS = 60;

/** @section xdp */
export function walk(ctx: XdpMd): u32 {
  const ip6 = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip6) return XDP_PASS;
  let next: u8 = ip6.nexthdr;
  let off: u16 = ETH_HLEN + 40;
  let seen: u32 = 0;
  for (let i = 0; i < 8; i++) {
    if (next !== HOPOPTS && next !== ROUTING && next !== DSTOPTS) break;
    const ext = ctx.header<ExtHdr>(off);
    if (!ext) return XDP_DROP;
    next = ext.nexthdr;
    off += (u16(ext.hdrlen) + 1) * 8;
    seen += 1;
  }
  const c = counts.lookup(0);
  if (c) {
    atomicAdd(c, 'packets', 1);
    atomicAdd(c, 'headers', seen);
  }
  if (next !== IPPROTO_UDP) return XDP_PASS;
  const udp = ctx.header<UdpHdr>(off);
  if (!udp) return XDP_DROP;
  return ntohs(udp.dest) === 4789 ? XDP_TX : XDP_PASS;
}
`;

function ipv6(nexthdr: number, exts: number[][], l4: number[]): Uint8Array {
  const payload = [...exts.flat(), ...l4];
  const ip = [0x60, 0, 0, 0, payload.length >> 8, payload.length & 0xff, nexthdr, 64, ...Array(32).fill(1)];
  return new Uint8Array(ethernet(0x86dd, [...ip, ...payload]));
}
/** An extension header of (len + 1) * 8 bytes whose next header is `next`. */
const ext = (next: number, len: number) => [next, len, ...Array((len + 1) * 8 - 2).fill(0)];
const udp = (dport: number) => [0x12, 0x34, dport >> 8, dport & 0xff, 0, 8, 0, 0];

kernelTest('a loop walks IPv6 extension headers at offsets the packet gives; atomicAdd counts', (t) => {
  const p = load(t, compileOk(t, walk));
  t.is(p.run(ipv6(17, [], udp(4789))).retval, 3, 'no extension headers');
  t.is(p.run(ipv6(0, [ext(43, 0), ext(60, 2), ext(17, 1)], udp(4789))).retval, 3, 'three extension headers of various lengths');
  t.is(p.run(ipv6(0, [ext(17, 0)], udp(53))).retval, 2, 'another port');
  t.is(p.run(ipv6(0, [ext(43, 0), ext(17, 5)], []).subarray(0, 14 + 40 + 8 + 4)).retval, 1, 'an extension header cut short');
  t.is(p.run(ipv6(0, [ext(43, 0), ext(17, 5)], udp(4789)).subarray(0, 14 + 40 + 8 + 20)).retval, 1, 'the UDP header beyond the end');
  const c = mapLookup(p.maps.get('counts')!, new Uint8Array(4), 16)!;
  const dv = new DataView(c.buffer);
  t.is(dv.getBigUint64(0, true), 4n, 'four packets got as far as the count');
  t.is(dv.getUint32(8, true), 0 + 3 + 1 + 2, 'and passed 6 extension headers between them');
});
