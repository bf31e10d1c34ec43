// The packet syntax of `switchyard trace`, one packet a string, read and printed the same way:
//   tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn
//   udp [2001:db8::7]:5353 > [fd00:10::1]:53
//   icmp 198.51.100.7 > 10.0.0.1 echo id=7
// Flags are TCP's (syn ack fin rst psh urg); for ICMP `echo` or `reply` (default echo) and id=N.

export type Proto = 'tcp' | 'udp' | 'icmp';
export type TcpFlag = 'fin' | 'syn' | 'rst' | 'psh' | 'ack' | 'urg';

/** TCP flag bits, in the header's order. */
export const tcpFlagBits: Record<TcpFlag, number> = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20 };

export interface PacketSpec {
  proto: Proto;
  family: 4 | 6;
  src: string;
  dst: string;
  /** TCP/UDP ports; ICMP: 0. */
  sport: number;
  dport: number;
  /** TCP flags, in tcpFlagBits' order. */
  flags: TcpFlag[];
  /** ICMP: echo request or reply, and its identifier. */
  icmp?: { type: 'echo' | 'reply'; id: number };
}

export class PacketSyntaxError extends Error {
  constructor(text: string, why: string) {
    super(`packet '${text}': ${why}; write it like 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn' (udp, icmp; IPv6 as [2001:db8::1]:80)`);
    this.name = 'PacketSyntaxError';
  }
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkAddress(a: string): 4 | 6 {
  const m = ipv4.exec(a);
  if (m) {
    if (m.slice(1).some((x) => Number(x) > 255)) throw new Error(`${a} is not an IPv4 address`);
    return 4;
  }
  const groups = a.split('::');
  const words = groups.flatMap((g) => (g ? g.split(':') : []));
  const ok = groups.length <= 2 && words.every((w) => /^[0-9a-f]{1,4}$/i.test(w)) && (groups.length === 2 ? words.length < 8 : words.length === 8);
  if (!ok) throw new Error(`${a} is not an IP address`);
  return 6;
}

/** `addr:port`, `[v6]:port`, or (withPort false) a bare address. Throws an Error saying why not. */
export function readEndpoint(part: string, withPort = true): { address: string; port: number; family: 4 | 6 } {
  let address = part;
  let port = 0;
  if (withPort) {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(part) ?? /^([^:[\]]+):(\d+)$/.exec(part);
    if (!m) throw new Error(`${part} is not address:port (IPv6 in brackets: [2001:db8::1]:80)`);
    address = m[1]!;
    port = Number(m[2]);
    if (port < 1 || port > 65535) throw new Error(`port ${m[2]} is out of range 1..65535`);
  } else if (/^\[.*\]$/.test(part)) {
    address = part.slice(1, -1);
  }
  return { address: address.toLowerCase(), port, family: checkAddress(address) };
}

function endpoint(text: string, part: string, withPort: boolean): ReturnType<typeof readEndpoint> {
  try {
    return readEndpoint(part, withPort);
  } catch (e) {
    throw new PacketSyntaxError(text, (e as Error).message);
  }
}

export function parsePacket(text: string): PacketSpec {
  const words = text.trim().split(/\s+/);
  const proto = words[0]?.toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp') throw new PacketSyntaxError(text, `it starts with ${words[0] ?? 'nothing'}, not tcp, udp or icmp`);
  if (words.length < 4 || words[2] !== '>') throw new PacketSyntaxError(text, `expected '${proto} SOURCE > DESTINATION'`);
  const withPort = proto !== 'icmp';
  const s = endpoint(text, words[1]!, withPort);
  const d = endpoint(text, words[3]!, withPort);
  if (s.family !== d.family) throw new PacketSyntaxError(text, `${s.address} and ${d.address} are of different address families`);
  const spec: PacketSpec = { proto, family: s.family, src: s.address, dst: d.address, sport: s.port, dport: d.port, flags: [] };
  const seen = new Set<string>();
  for (const w of words.slice(4).map((x) => x.toLowerCase())) {
    if (proto === 'tcp' && w in tcpFlagBits) seen.add(w);
    else if (proto === 'icmp' && (w === 'echo' || w === 'reply')) spec.icmp = { type: w, id: spec.icmp?.id ?? 0 };
    else if (proto === 'icmp' && /^id=\d+$/.test(w) && Number(w.slice(3)) <= 0xffff) spec.icmp = { type: spec.icmp?.type ?? 'echo', id: Number(w.slice(3)) };
    else throw new PacketSyntaxError(text, proto === 'tcp' ? `${w} is not a TCP flag (syn, ack, fin, rst, psh, urg)` : proto === 'icmp' ? `${w} is not echo, reply or id=N` : `${w}: UDP takes no flags`);
  }
  spec.flags = (Object.keys(tcpFlagBits) as TcpFlag[]).filter((f) => seen.has(f));
  if (proto === 'icmp' && !spec.icmp) spec.icmp = { type: 'echo', id: 0 };
  return spec;
}

const hostPort = (family: 4 | 6, a: string, port: number): string => (family === 6 ? `[${a}]:${port}` : `${a}:${port}`);

/** The packet in the syntax parsePacket reads. */
export function formatPacket(p: PacketSpec): string {
  if (p.proto === 'icmp') {
    const a = (x: string) => (p.family === 6 ? `[${x}]` : x);
    return `icmp ${a(p.src)} > ${a(p.dst)} ${p.icmp?.type ?? 'echo'}${p.icmp?.id ? ` id=${p.icmp.id}` : ''}`;
  }
  const flags = p.flags.length ? ` ${p.flags.join(' ')}` : '';
  return `${p.proto} ${hostPort(p.family, p.src, p.sport)} > ${hostPort(p.family, p.dst, p.dport)}${flags}`;
}
