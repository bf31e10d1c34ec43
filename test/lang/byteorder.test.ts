// Byte order: be16/be32 hold network order as loaded; ntohs/ntohl/htons/htonl and bswap convert
// at run time and fold at compile time; comparisons against htons(constant) need no swap at all.
// Also: the socket-address and socket contexts load (their fields are network order too).

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load } from './helpers.ts';

const source = `
interface In { c64: u64; a16: be16; b16: u16; a32: be32; b32: u32; _pad: u32 }
interface Out { s64: u64; n16: u16; h16: be16; n32: u32; h32: be32; s16: u16; eqPort: u8; eqAddr: u8; s32: u32; masked: be32 }

/** @section xdp */
export function order(ctx: XdpMd): u32 {
  const i = ctx.header<In>(14);
  const o = ctx.header<Out>(34);
  if (!i || !o) return XDP_ABORTED;
  o.n16 = ntohs(i.a16);
  o.h16 = htons(i.b16);
  o.n32 = ntohl(i.a32);
  o.h32 = htonl(i.b32);
  o.s64 = bswap64(i.c64);
  o.s16 = bswap16(i.b16);
  o.s32 = bswap32(i.b32);
  o.eqPort = u8(i.a16 === htons(8080));
  o.eqAddr = u8(i.a32 === htonl(0xc0000201));
  o.masked = be32(i.a32 & htonl(0xffffff00));
  return XDP_PASS;
}

/** @section cgroup/connect4 */
export function connect4(ctx: SockAddr): i32 {
  if (ctx.user_ip4 === htonl(0xc6336401) && ctx.user_port === htons(80)) {
    ctx.user_ip4 = htonl(0xcb007107);
    ctx.user_port = htons(8080);
  }
  return SK_PASS;
}

/** @section cgroup/post_bind4 */
export function postBind4(ctx: Sock): i32 {
  return ctx.src_port === 22 ? SK_DROP : SK_PASS;
}
`;

kernelTest('byte order: conversions at run time match the host, comparisons with htons(k) fold', (t) => {
  const r = compileOk(t, source);
  const p = load(t, r, 'order');
  const pkt = new Uint8Array(14 + 20 + 36 + 4);
  const dv = new DataView(pkt.buffer);
  dv.setBigUint64(14, 0x0102030405060708n, true);
  dv.setUint16(22, 8080, false); // a16: big endian on the wire
  dv.setUint16(24, 0x1234, true);
  dv.setUint32(26, 0xc0000201, false); // a32 = 192.0.2.1
  dv.setUint32(30, 0xa1b2c3d4, true);
  const out = p.run(pkt);
  t.is(out.retval, 2);
  const o = new DataView(out.data.buffer, out.data.byteOffset + 34);
  t.is(o.getBigUint64(0, true), 0x0807060504030201n, 'bswap64');
  t.is(o.getUint16(8, true), 8080, 'ntohs');
  t.is(o.getUint16(10, false), 0x1234, 'htons: big endian in memory');
  t.is(o.getUint32(12, true), 0xc0000201, 'ntohl');
  t.is(o.getUint32(16, false), 0xa1b2c3d4, 'htonl');
  t.is(o.getUint16(20, true), 0x3412, 'bswap16');
  t.is(o.getUint8(22), 1, 'a16 === htons(8080)');
  t.is(o.getUint8(23), 1, 'a32 === htonl(192.0.2.1)');
  t.is(o.getUint32(24, true), 0xd4c3b2a1, 'bswap32');
  t.is(o.getUint32(28, false), 0xc0000200, 'a32 & htonl(0xffffff00)');
  // htons(8080) folded: the compare uses the swapped constant, no byte swap instruction for it.
  const swaps = r.object.programs[0]!.items.filter((i) => i.kind === 'insn' && (i.op & 0xf7) === 0xd4).length;
  t.is(swaps, 7, 'one run-time swap per conversion (ntohs, htons, ntohl, htonl, bswap16/32/64), none for the constants');
});

kernelTest('socket-address and socket programs load: fields, writes and return values the verifier checks', (t) => {
  const r = compileOk(t, source);
  for (const name of ['connect4', 'postBind4']) {
    const p = load(t, r, name);
    t.true(p.fd > 0, name);
  }
});
