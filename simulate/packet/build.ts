// Ethernet frames from packet specs (syntax.ts): IPv4 or IPv6, then TCP, UDP or ICMP echo, with
// valid checksums, as a client's NIC would hand them to the node's device.

import { parseAddress, parseMac } from '../network.ts';
import { internetChecksum, pseudoHeader } from './checksum.ts';
import { tcpFlagBits, type PacketSpec } from './syntax.ts';

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const IPPROTO = { icmp: 1, tcp: 6, udp: 17, icmp6: 58 } as const;

export interface FrameOptions {
  srcMac?: string;
  dstMac?: string;
  ttl?: number;
  /** Bytes after the L4 header; default none. */
  payload?: Uint8Array;
  /** TCP sequence and acknowledgement numbers. */
  seq?: number;
  ackSeq?: number;
}

function l4Header(p: PacketSpec, o: FrameOptions, payload: Uint8Array): { bytes: Uint8Array; proto: number; checksumAt: number } {
  if (p.proto === 'tcp') {
    const h = new Uint8Array(20 + payload.length);
    const dv = new DataView(h.buffer);
    dv.setUint16(0, p.sport);
    dv.setUint16(2, p.dport);
    dv.setUint32(4, o.seq ?? 1000);
    dv.setUint32(8, p.flags.includes('ack') ? (o.ackSeq ?? 1) : 0);
    h[12] = 5 << 4;
    h[13] = p.flags.reduce((a, f) => a | tcpFlagBits[f], 0);
    dv.setUint16(14, 64240);
    h.set(payload, 20);
    return { bytes: h, proto: IPPROTO.tcp, checksumAt: 16 };
  }
  if (p.proto === 'udp') {
    const h = new Uint8Array(8 + payload.length);
    const dv = new DataView(h.buffer);
    dv.setUint16(0, p.sport);
    dv.setUint16(2, p.dport);
    dv.setUint16(4, h.length);
    h.set(payload, 8);
    return { bytes: h, proto: IPPROTO.udp, checksumAt: 6 };
  }
  const h = new Uint8Array(8 + payload.length);
  const reply = p.icmp?.type === 'reply';
  h[0] = p.family === 6 ? (reply ? 129 : 128) : reply ? 0 : 8;
  new DataView(h.buffer).setUint16(4, p.icmp?.id ?? 0);
  new DataView(h.buffer).setUint16(6, 1);
  h.set(payload, 8);
  return { bytes: h, proto: p.family === 6 ? IPPROTO.icmp6 : IPPROTO.icmp, checksumAt: 2 };
}

export function buildFrame(p: PacketSpec, o: FrameOptions = {}): Uint8Array {
  const src = parseAddress(p.src);
  const dst = parseAddress(p.dst);
  const l4 = l4Header(p, o, o.payload ?? new Uint8Array());
  // ICMPv4 has no pseudo-header; the others do.
  const pseudo = l4.proto === IPPROTO.icmp ? new Uint8Array() : pseudoHeader(src, dst, l4.proto, l4.bytes.length);
  let sum = internetChecksum(pseudo, l4.bytes);
  if (l4.proto === IPPROTO.udp && sum === 0) sum = 0xffff;
  new DataView(l4.bytes.buffer).setUint16(l4.checksumAt, sum);
  const l3 = p.family === 4 ? 20 : 40;
  const frame = new Uint8Array(14 + l3 + l4.bytes.length);
  const dv = new DataView(frame.buffer);
  frame.set(parseMac(o.dstMac ?? '02:00:00:00:00:01'), 0);
  frame.set(parseMac(o.srcMac ?? '02:00:00:00:00:fe'), 6);
  dv.setUint16(12, p.family === 4 ? ETH_P_IP : ETH_P_IPV6);
  if (p.family === 4) {
    frame[14] = 0x45;
    dv.setUint16(16, 20 + l4.bytes.length);
    dv.setUint16(18, 1);
    dv.setUint16(20, 0x4000);
    frame[22] = o.ttl ?? 64;
    frame[23] = l4.proto;
    frame.set(src, 26);
    frame.set(dst, 30);
    dv.setUint16(24, internetChecksum(frame.subarray(14, 34)));
  } else {
    dv.setUint32(14, 0x60000000);
    dv.setUint16(18, l4.bytes.length);
    frame[20] = l4.proto;
    frame[21] = o.ttl ?? 64;
    frame.set(src, 22);
    frame.set(dst, 38);
  }
  frame.set(l4.bytes, 14 + l3);
  return frame;
}

/** A copy of `frame` with other Ethernet addresses (as a forwarding hop or a capture's re-addressing writes them). */
export function withMacs(frame: Uint8Array, src: string | number[], dst: string | number[]): Uint8Array {
  const f = frame.slice();
  f.set(parseMac(dst), 0);
  f.set(parseMac(src), 6);
  return f;
}

export const macText = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
