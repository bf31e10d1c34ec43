// Test packets built byte by byte (Ethernet, IPv4, IPv6, TCP, UDP), with checksums computed
// here from scratch, independently of anything the compiler emits, to check its updates.

export const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

/** Ones'-complement sum of 16-bit big-endian words, folded; not inverted. */
export function onesSum(bytes: ArrayLike<number>, start = 0): number {
  let s = start;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export const checksum = (bytes: ArrayLike<number>, start = 0): number => ~onesSum(bytes, start) & 0xffff;

const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];

export function ethernet(proto: number, payload: number[]): number[] {
  return [...MAC_B, ...MAC_A, ...be16(proto), ...payload];
}

export function ipv4Header(o: { src: string; dst: string; proto: number; payloadLen: number; ttl?: number; ihl?: number; fragOff?: number }): number[] {
  const ihl = o.ihl ?? 5;
  const h = [0x40 | ihl, 0, ...be16(ihl * 4 + o.payloadLen), 0x12, 0x34, ...be16(o.fragOff ?? 0), o.ttl ?? 64, o.proto, 0, 0, ...ip4(o.src), ...ip4(o.dst)];
  while (h.length < ihl * 4) h.push(1); // NOP options
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return h;
}

/** The pseudo-header sum for TCP/UDP over IPv4. */
function pseudo4(src: string, dst: string, proto: number, len: number): number {
  return onesSum([...ip4(src), ...ip4(dst), 0, proto, ...be16(len)]);
}

export function tcp(o: { sport: number; dport: number; src: string; dst: string; payload?: number[]; flags?: number }): number[] {
  const payload = o.payload ?? [];
  const h = [...be16(o.sport), ...be16(o.dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, o.flags ?? 0x02, 0xff, 0xff, 0, 0, 0, 0, ...payload];
  const c = checksum(h, pseudo4(o.src, o.dst, 6, h.length));
  h[16] = c >> 8;
  h[17] = c & 0xff;
  return h;
}

export function udp(o: { sport: number; dport: number; src: string; dst: string; payload?: number[]; noChecksum?: boolean }): number[] {
  const payload = o.payload ?? [];
  const h = [...be16(o.sport), ...be16(o.dport), ...be16(8 + payload.length), 0, 0, ...payload];
  if (!o.noChecksum) {
    const c = checksum(h, pseudo4(o.src, o.dst, 17, h.length)) || 0xffff;
    h[6] = c >> 8;
    h[7] = c & 0xff;
  }
  return h;
}

export function ipv4Tcp(o: { src: string; dst: string; sport: number; dport: number; payload?: number[] }): Uint8Array {
  const l4 = tcp(o);
  return new Uint8Array(ethernet(0x0800, [...ipv4Header({ src: o.src, dst: o.dst, proto: 6, payloadLen: l4.length }), ...l4]));
}

export function ipv4Udp(o: { src: string; dst: string; sport: number; dport: number; payload?: number[]; noChecksum?: boolean }): Uint8Array {
  const l4 = udp(o);
  return new Uint8Array(ethernet(0x0800, [...ipv4Header({ src: o.src, dst: o.dst, proto: 17, payloadLen: l4.length }), ...l4]));
}

export function ipv6Udp(o: { src: number[]; dst: number[]; sport: number; dport: number; payload?: number[] }): Uint8Array {
  const payload = o.payload ?? [];
  const l4 = [...be16(o.sport), ...be16(o.dport), ...be16(8 + payload.length), 0, 0, ...payload];
  const ph = onesSum([...o.src, ...o.dst, 0, 0, ...be16(l4.length), 0, 0, 0, 17]);
  const c = checksum(l4, ph) || 0xffff;
  l4[6] = c >> 8;
  l4[7] = c & 0xff;
  const ip = [0x60, 0, 0, 0, ...be16(l4.length), 17, 64, ...o.src, ...o.dst];
  return new Uint8Array(ethernet(0x86dd, [...ip, ...l4]));
}

/** Whether the IPv4 header checksum of a frame verifies. */
export function ipv4ChecksumOk(frame: Uint8Array): boolean {
  const ihl = (frame[14]! & 0x0f) * 4;
  return onesSum(frame.subarray(14, 14 + ihl)) === 0xffff;
}

/** Whether the TCP or UDP checksum of an IPv4 frame verifies (UDP 0: no checksum, accepted). */
export function l4ChecksumOk(frame: Uint8Array): boolean {
  const ihl = (frame[14]! & 0x0f) * 4;
  const proto = frame[23]!;
  const totLen = (frame[16]! << 8) | frame[17]!;
  const l4 = frame.subarray(14 + ihl, 14 + totLen);
  if (proto === 17 && l4[6] === 0 && l4[7] === 0) return true;
  const ph = onesSum([...frame.subarray(26, 34), 0, proto, ...be16(l4.length)]);
  return onesSum(l4, ph) === 0xffff;
}
