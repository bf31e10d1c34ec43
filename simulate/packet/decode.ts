// Frames read back into what a trace prints: MACs, the IP header's fields that a datapath
// rewrites (addresses, TTL, options/extension headers), the L4 ports or ICMP identifier, and
// whether each checksum still holds, so that a translation that forgets one shows.

import { formatAddress } from '../network.ts';
import { ETH_P_IP, ETH_P_IPV6, IPPROTO, macText } from './build.ts';
import { internetChecksum, pseudoHeader } from './checksum.ts';
import { formatPacket, tcpFlagBits, type PacketSpec, type TcpFlag } from './syntax.ts';

export interface DecodedFrame {
  srcMac: string;
  dstMac: string;
  /** Set when the frame carries IPv4 or IPv6 with TCP, UDP or ICMP echo that could be read. */
  packet?: PacketSpec;
  ttl?: number;
  /** IPv4 options' or IPv6 extension headers' length in bytes (a DSR option shows here). */
  optionBytes?: number;
  /** Checksums that do not hold: 'ip', 'l4'. */
  badChecksums: string[];
  /** Why the frame could not be read further, when it could not (or what it is: an ICMP error). */
  note?: string;
  /** An ICMP or ICMPv6 "destination unreachable" (a rejected flow's answer): its code. */
  unreachable?: number;
}

const IPV6_EXT = new Set([0, 43, 60]);

export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const out: DecodedFrame = { srcMac: macText(frame.subarray(6, 12)), dstMac: macText(frame.subarray(0, 6)), badChecksums: [] };
  if (frame.length < 14) return { ...out, note: `truncated frame (${frame.length} bytes)` };
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const type = dv.getUint16(12);
  let l4: number;
  let proto: number;
  let src: Uint8Array;
  let dst: Uint8Array;
  let end: number;
  if (type === ETH_P_IP) {
    if (frame.length < 34) return { ...out, note: 'truncated IPv4 header' };
    const ihl = (frame[14]! & 0xf) * 4;
    if (frame[14]! >> 4 !== 4 || ihl < 20 || frame.length < 14 + ihl) return { ...out, note: 'malformed IPv4 header' };
    if (internetChecksum(frame.subarray(14, 14 + ihl)) !== 0) out.badChecksums.push('ip');
    out.ttl = frame[22]!;
    if (ihl > 20) out.optionBytes = ihl - 20;
    proto = frame[23]!;
    src = frame.slice(26, 30);
    dst = frame.slice(30, 34);
    l4 = 14 + ihl;
    end = Math.min(frame.length, 14 + dv.getUint16(16));
    if ((dv.getUint16(20) & 0x3fff) !== 0) return { ...out, note: `IPv4 fragment ${formatAddress(src)} > ${formatAddress(dst)}` };
  } else if (type === ETH_P_IPV6) {
    if (frame.length < 54) return { ...out, note: 'truncated IPv6 header' };
    out.ttl = frame[21]!;
    src = frame.slice(22, 38);
    dst = frame.slice(38, 54);
    proto = frame[20]!;
    l4 = 54;
    end = Math.min(frame.length, 54 + dv.getUint16(18));
    while (IPV6_EXT.has(proto)) {
      if (l4 + 8 > frame.length) return { ...out, note: 'truncated IPv6 extension header' };
      proto = frame[l4]!;
      l4 += (frame[l4 + 1]! + 1) * 8;
    }
    if (l4 > 54) out.optionBytes = l4 - 54;
    if (proto === 44) return { ...out, note: `IPv6 fragment ${formatAddress(src)} > ${formatAddress(dst)}` };
  } else {
    return { ...out, note: `ethertype 0x${type.toString(16).padStart(4, '0')}` };
  }
  const family = src.length === 4 ? 4 : 6;
  const base = { family, src: formatAddress(src), dst: formatAddress(dst), sport: 0, dport: 0, flags: [] as TcpFlag[] } as const;
  const seg = frame.subarray(l4, Math.max(l4, end));
  const checkL4 = (withPseudo: boolean) => {
    const pseudo = withPseudo ? pseudoHeader(src, dst, proto, seg.length) : new Uint8Array();
    if (internetChecksum(pseudo, seg) !== 0) out.badChecksums.push('l4');
  };
  if (proto === IPPROTO.tcp && seg.length >= 20) {
    const flags = (Object.keys(tcpFlagBits) as TcpFlag[]).filter((f) => seg[13]! & tcpFlagBits[f]);
    checkL4(true);
    return { ...out, packet: { ...base, proto: 'tcp', sport: (seg[0]! << 8) | seg[1]!, dport: (seg[2]! << 8) | seg[3]!, flags } };
  }
  if (proto === IPPROTO.udp && seg.length >= 8) {
    if (seg[6]! | seg[7]! || family === 6) checkL4(true);
    return { ...out, packet: { ...base, proto: 'udp', sport: (seg[0]! << 8) | seg[1]!, dport: (seg[2]! << 8) | seg[3]! } };
  }
  const echo: Record<number, 'echo' | 'reply'> = family === 4 ? { 8: 'echo', 0: 'reply' } : { 128: 'echo', 129: 'reply' };
  if ((proto === IPPROTO.icmp || proto === IPPROTO.icmp6) && seg.length >= 8 && seg[0]! in echo) {
    checkL4(proto === IPPROTO.icmp6);
    const t = echo[seg[0]!]!;
    return { ...out, packet: { ...base, proto: 'icmp', icmp: { type: t, id: (seg[4]! << 8) | seg[5]! } } };
  }
  // Destination unreachable (type 3, ICMPv6 type 1): what a service without endpoints answers.
  if ((proto === IPPROTO.icmp || proto === IPPROTO.icmp6) && seg.length >= 8 && seg[0] === (family === 4 ? 3 : 1)) {
    checkL4(proto === IPPROTO.icmp6);
    const what = seg[1] === (family === 4 ? 3 : 4) ? 'port unreachable' : `destination unreachable code ${seg[1]}`;
    return { ...out, unreachable: seg[1]!, note: `${family === 4 ? 'ICMP' : 'ICMPv6'} ${what} ${formatAddress(src)} > ${formatAddress(dst)}` };
  }
  return { ...out, note: `IPv${family} protocol ${proto} ${formatAddress(src)} > ${formatAddress(dst)}` };
}

/** One line: the packet in trace syntax, or what it is when it cannot be. */
export function frameSummary(d: DecodedFrame): string {
  const base = d.packet ? formatPacket(d.packet) : (d.note ?? 'unreadable frame');
  const extra = [d.optionBytes ? `+${d.optionBytes} option bytes` : '', d.ttl !== undefined ? `ttl ${d.ttl}` : '', d.badChecksums.length ? `BAD CHECKSUM ${d.badChecksums.join(',')}` : ''].filter(Boolean);
  return `${base}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}
