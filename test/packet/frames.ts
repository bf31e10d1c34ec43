// Frames for the packet tests, built byte by byte with every checksum computed here from
// scratch (independently of anything the datapath does): Ethernet, IPv4 with options and
// fragments, IPv6, TCP, UDP, ICMP. Expected outputs are built the same way and compared whole.

export type Mac = number[];

const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];

export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

export function ip6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (s: string | undefined) => (s ? s.split(':').filter(Boolean).map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap(be16);
}

export function onesSum(bytes: ArrayLike<number>, start = 0): number {
  let s = start;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export const checksum = (bytes: ArrayLike<number>, start = 0): number => ~onesSum(bytes, start) & 0xffff;

export interface Ip4 {
  src: string;
  dst: string;
  proto: number;
  ttl?: number;
  id?: number;
  /** Flags and fragment offset as the header holds them (host order): 0x2000 MF, offset in 8-byte units. */
  fragOff?: number;
  /** Raw option bytes, padded to a multiple of 4 by the caller. */
  options?: number[];
}

export function ipv4Header(o: Ip4, payloadLen: number): number[] {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const h = [0x40 | ihl, 0, ...be16(ihl * 4 + payloadLen), ...be16(o.id ?? 0x1234), ...be16(o.fragOff ?? 0), o.ttl ?? 64, o.proto, 0, 0, ...ip4(o.src), ...ip4(o.dst), ...opts];
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return h;
}

function pseudo4(src: string, dst: string, proto: number, len: number): number {
  return onesSum([...ip4(src), ...ip4(dst), 0, proto, ...be16(len)]);
}

function pseudo6(src: string, dst: string, proto: number, len: number): number {
  return onesSum([...ip6(src), ...ip6(dst), 0, 0, ...be16(len), 0, 0, 0, proto]);
}

export interface L4 {
  sport: number;
  dport: number;
  payload?: number[];
}

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;
export const TCP_FIN = 0x01;
export const TCP_RST = 0x04;

/** A TCP segment with its checksum over the given pseudo header (v4 or v6 addresses). */
export function tcpSegment(o: L4 & { flags?: number; src: string; dst: string }): number[] {
  const payload = o.payload ?? [];
  const h = [...be16(o.sport), ...be16(o.dport), 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0x50, o.flags ?? TCP_SYN, 0xfa, 0xf0, 0, 0, 0, 0, ...payload];
  const ps = o.src.includes(':') ? pseudo6(o.src, o.dst, 6, h.length) : pseudo4(o.src, o.dst, 6, h.length);
  const c = checksum(h, ps);
  h[16] = c >> 8;
  h[17] = c & 0xff;
  return h;
}

/** A UDP datagram; `noChecksum` leaves 0 (IPv4 only). */
export function udpDatagram(o: L4 & { src: string; dst: string; noChecksum?: boolean }): number[] {
  const payload = o.payload ?? [];
  const h = [...be16(o.sport), ...be16(o.dport), ...be16(8 + payload.length), 0, 0, ...payload];
  if (!o.noChecksum) {
    const ps = o.src.includes(':') ? pseudo6(o.src, o.dst, 17, h.length) : pseudo4(o.src, o.dst, 17, h.length);
    const c = checksum(h, ps) || 0xffff;
    h[6] = c >> 8;
    h[7] = c & 0xff;
  }
  return h;
}

export function icmpEcho(id: number, seq: number): number[] {
  const h = [8, 0, 0, 0, ...be16(id), ...be16(seq), 1, 2, 3, 4];
  const c = checksum(h);
  h[2] = c >> 8;
  h[3] = c & 0xff;
  return h;
}

export function ethernet(dst: Mac, src: Mac, proto: number, payload: number[]): Uint8Array {
  return new Uint8Array([...dst, ...src, ...be16(proto), ...payload]);
}

export interface Frame4 extends Ip4 {
  dstMac: Mac;
  srcMac: Mac;
  /** The L4 bytes (or a fragment's share of them). */
  l4: number[];
}

export function frame4(o: Frame4): Uint8Array {
  return ethernet(o.dstMac, o.srcMac, 0x0800, [...ipv4Header(o, o.l4.length), ...o.l4]);
}

export interface Frame6 {
  src: string;
  dst: string;
  nextHeader: number;
  hopLimit?: number;
  dstMac: Mac;
  srcMac: Mac;
  /** Extension headers, then the L4 bytes. */
  payload: number[];
}

export function frame6(o: Frame6): Uint8Array {
  const ip = [0x60, 0, 0, 0, ...be16(o.payload.length), o.nextHeader, o.hopLimit ?? 64, ...ip6(o.src), ...ip6(o.dst)];
  return ethernet(o.dstMac, o.srcMac, 0x86dd, [...ip, ...o.payload]);
}

/** Byte-by-byte difference, for assertion messages: "offset 26: 0a != c6, ...". */
export function diffBytes(got: Uint8Array, want: Uint8Array): string {
  const out: string[] = [];
  if (got.length !== want.length) out.push(`length ${got.length} != ${want.length}`);
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    if (got[i] !== want[i]) out.push(`offset ${i}: ${got[i]!.toString(16).padStart(2, '0')} != ${want[i]!.toString(16).padStart(2, '0')}`);
  }
  return out.slice(0, 12).join(', ');
}

/** The 16-bit word at `off` of a frame. */
export function word(frame: Uint8Array, off: number): number {
  return (frame[off]! << 8) | frame[off + 1]!;
}

/**
 * An ICMP error (type, code, the 4 bytes after the checksum, e.g. the MTU of "fragmentation
 * needed") quoting `quote`, with its checksum computed here.
 */
export function icmpError(type: number, code: number, rest: number[], quote: number[]): number[] {
  const m = [type, code, 0, 0, ...rest, ...quote];
  const c = checksum(m);
  m[2] = c >> 8;
  m[3] = c & 0xff;
  return m;
}

/** An IPv4 packet as an ICMP error quotes it: header (options included) and L4 bytes. */
export function quote4(o: Ip4, l4: number[]): number[] {
  return [...ipv4Header(o, l4.length), ...l4];
}

/** An ICMPv6 error quoting `quote`, its checksum over the pseudo header of `src` and `dst`. */
export function icmp6Error(src: string, dst: string, type: number, code: number, rest: number[], quote: number[]): number[] {
  const m = [type, code, 0, 0, ...rest, ...quote];
  const c = checksum(m, pseudo6(src, dst, 58, m.length));
  m[2] = c >> 8;
  m[3] = c & 0xff;
  return m;
}

/** An IPv6 extension header: its type, and its bytes from the second on (the first, next header, is filled in by chain6). */
export interface Ext6 {
  type: number;
  bytes: number[];
}

/** The IPv6 header, extension headers chained to the upper-layer protocol, and the L4 bytes, as a quote or payload. */
export function packet6(o: { src: string; dst: string; hopLimit?: number; exts?: Ext6[]; proto: number; l4: number[] }): number[] {
  const exts = o.exts ?? [];
  const chain = exts.flatMap((e, i) => [i + 1 < exts.length ? exts[i + 1]!.type : o.proto, ...e.bytes]);
  const payload = [...chain, ...o.l4];
  return [0x60, 0, 0, 0, ...be16(payload.length), exts.length ? exts[0]!.type : o.proto, o.hopLimit ?? 64, ...ip6(o.src), ...ip6(o.dst), ...payload];
}

/** A fragment header's bytes after the next-header byte: offset in 8-byte units, more to come, identification. */
export function fragmentHeader(offset8: number, more: boolean, id: number): Ext6 {
  const fo = (offset8 << 3) | (more ? 1 : 0);
  return { type: 44, bytes: [0, ...be16(fo), ...be16(id >>> 16), ...be16(id & 0xffff)] };
}
