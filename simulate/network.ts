// The simulated node's network, which bpf_fib_lookup answers from: devices, routes, neighbours
// and the node's own addresses. Written as a test or `switchyard trace` input (addresses as
// text), normalised here into what the lookup needs.

export interface SimDevice {
  ifindex: number;
  name?: string;
  mac: string | number[];
  /** Default 1500. */
  mtu?: number;
  /** net.ipv4.conf.<dev>.forwarding / IPv6 forwarding; default true. */
  forwarding?: boolean;
}

export interface SimRoute {
  /** A prefix: `10.2.0.0/24`, `fd00:10:2::/64`, `default` (both families' catch-all: use `0.0.0.0/0`, `::/0`). */
  dst: string;
  /** Next hop (gateway); absent for an on-link route. */
  via?: string;
  /** The egress device's ifindex. */
  dev: number;
  type?: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';
}

export interface SimNeighbour {
  address: string;
  mac: string | number[];
  dev: number;
}

export interface SimNetworkInput {
  devices?: SimDevice[];
  routes?: SimRoute[];
  neighbours?: SimNeighbour[];
  /** The node's own addresses: a lookup for one is answered NOT_FWDED (a local route). */
  local?: string[];
}

export interface Prefix {
  family: 4 | 6;
  bytes: Uint8Array;
  length: number;
}

export interface SimNetwork {
  devices: Map<number, { ifindex: number; mac: number[]; mtu: number; forwarding: boolean }>;
  routes: Array<{ prefix: Prefix; via?: Uint8Array; dev: number; type: NonNullable<SimRoute['type']> }>;
  /** By `${dev}/${address bytes joined}`. */
  neighbours: Map<string, number[]>;
  local: Set<string>;
}

export function parseAddress(text: string): Uint8Array {
  if (text.includes(':')) {
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const words = (s: string | undefined) => (s ? s.split(':').filter(Boolean).map((w) => parseInt(w, 16)) : []);
    const h = words(head);
    const t = words(tail);
    const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
    if (all.length !== 8 || all.some((w) => !(w >= 0 && w <= 0xffff))) throw new Error(`address ${text}: not an IPv6 address`);
    return new Uint8Array(all.flatMap((w) => [w >> 8, w & 0xff]));
  }
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`address ${text}: not an IPv4 address`);
  return new Uint8Array(parts);
}

export function formatAddress(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

export function parseMac(m: string | number[]): number[] {
  const bytes = typeof m === 'string' ? m.split(':').map((x) => parseInt(x, 16)) : m;
  if (bytes.length !== 6 || bytes.some((b) => !(b >= 0 && b <= 255))) throw new Error(`MAC ${String(m)}: expected six bytes`);
  return bytes;
}

export function parsePrefix(text: string): Prefix {
  const [addr, len] = text.split('/');
  const bytes = parseAddress(addr!);
  const length = len === undefined ? bytes.length * 8 : Number(len);
  if (!(length >= 0 && length <= bytes.length * 8)) throw new Error(`prefix ${text}: bad length`);
  return { family: bytes.length === 4 ? 4 : 6, bytes, length };
}

export function inPrefix(p: Prefix, addr: Uint8Array): boolean {
  if (addr.length !== p.bytes.length) return false;
  for (let bit = 0; bit < p.length; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((addr[bit >> 3]! & mask) !== (p.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

export const neighbourKey = (dev: number, addr: Uint8Array): string => `${dev}/${addr.join('.')}`;

export function buildNetwork(input: SimNetworkInput = {}): SimNetwork {
  const devices = new Map((input.devices ?? []).map((d) => [d.ifindex, { ifindex: d.ifindex, mac: parseMac(d.mac), mtu: d.mtu ?? 1500, forwarding: d.forwarding ?? true }]));
  const routes = (input.routes ?? []).map((r) => {
    if (!devices.has(r.dev)) throw new Error(`route ${r.dst}: no device with ifindex ${r.dev}`);
    return { prefix: parsePrefix(r.dst), dev: r.dev, type: r.type ?? 'unicast', ...(r.via ? { via: parseAddress(r.via) } : {}) };
  });
  const neighbours = new Map((input.neighbours ?? []).map((n) => [neighbourKey(n.dev, parseAddress(n.address)), parseMac(n.mac)]));
  const local = new Set((input.local ?? []).map((a) => parseAddress(a).join('.')));
  return { devices, routes, neighbours, local };
}

/** The longest-prefix route for `dst`, or undefined. */
export function routeFor(net: SimNetwork, dst: Uint8Array): SimNetwork['routes'][number] | undefined {
  let best: SimNetwork['routes'][number] | undefined;
  for (const r of net.routes) if (inPrefix(r.prefix, dst) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best;
}
