// IP addresses and prefixes, parsed once into bytes in network order with one canonical text.
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address: the datapath looks
// v4-in-v6 destinations up in the IPv4 tables, so the model must not see two spellings of one host.

export type Family = 4 | 6;

export interface Address {
  family: Family;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
  /** Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run compressed). */
  text: string;
}

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  network: Address;
  prefix: number;
  text: string;
}

/** Dotted quad without leading zeros (no octal ambiguity); hand-rolled: it runs 100,000s of times. */
function parseV4Bytes(text: string): Uint8Array | undefined {
  const n = text.length;
  if (n < 7 || n > 15) return undefined;
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return undefined;
      value = value * 10 + (c - 48);
      if (value > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return part === 4 ? out : undefined;
}

function parseV6Bytes(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  let head = text;
  let tail4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    tail4 = parseV4Bytes(text.slice(lastColon + 1));
    if (!tail4) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return undefined;
  const total = left.length + right.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const all = [...left, ...new Array<number>(8 - total).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function addressFromBytes(bytes: Uint8Array): Address {
  if (bytes.length === 16 && isV4Mapped(bytes)) bytes = bytes.slice(12);
  return { family: bytes.length === 4 ? 4 : 6, bytes, text: formatAddress(bytes) };
}

/** Parses IPv4, IPv6 or IPv4-mapped IPv6 text; undefined when it is none of them. */
export function parseAddress(text: string): Address | undefined {
  const v4 = parseV4Bytes(text);
  // Accepted dotted quads are canonical already (no leading zeros): keep the caller's string.
  if (v4) return { family: 4, bytes: v4, text };
  const v6 = text.includes(':') ? parseV6Bytes(text) : undefined;
  return v6 ? addressFromBytes(v6) : undefined;
}

/** For values the spec stage has already validated: a bad one here is a programming error. */
export function mustParseAddress(text: string): Address {
  const a = parseAddress(text);
  if (!a) throw new Error(`address ${JSON.stringify(text)}: not an IPv4 or IPv6 address`);
  return a;
}

/** `a.b.c.d/n` or `x::/n`; host bits must be zero unless `loose`. */
export function parseCidr(text: string, loose = false): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = Number(prefixText);
  // A v4-mapped network written in v6 form counts its prefix over 128 bits.
  if (addr.family === 4 && text.slice(0, slash).includes(':')) prefix -= 96;
  const bits = addr.family === 4 ? 32 : 128;
  if (prefix < 0 || prefix > bits) return undefined;
  const net = maskBytes(addr.bytes, prefix);
  if (!loose && !equalBytes(net, addr.bytes)) return undefined;
  const network = { family: addr.family, bytes: net, text: formatAddress(net) };
  return { family: addr.family, network, prefix, text: `${network.text}/${prefix}` };
}

export function mustParseCidr(text: string): Cidr {
  const c = parseCidr(text, true);
  if (!c) throw new Error(`prefix ${JSON.stringify(text)}: not an IPv4 or IPv6 CIDR`);
  return c;
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    out[i]! &= keep === 8 ? 0xff : (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function cidrContains(c: Cidr, a: Address): boolean {
  return a.family === c.family && equalBytes(maskBytes(a.bytes, c.prefix), c.network.bytes);
}

/** The address as an unsigned integer, for range arithmetic in allocators. */
export function addressToBigInt(a: Address): bigint {
  let v = 0n;
  for (const b of a.bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function addressFromBigInt(family: Family, v: bigint): Address {
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return { family, bytes, text: formatAddress(bytes) };
}

/** The all-zero address of a family: the key of wildcard (NodePort, any-address HostPort) entries. */
export function wildcardAddress(family: Family): Address {
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  return { family, bytes, text: formatAddress(bytes) };
}

/** `addr:port`, with brackets around IPv6 as in URLs. */
export function formatHostPort(a: Address, port: number): string {
  return a.family === 6 ? `[${a.text}]:${port}` : `${a.text}:${port}`;
}

/** Orders v4 before v6, then by bytes; used wherever output must be sorted by address. */
export function compareAddresses(a: Address, b: Address): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i]! - b.bytes[i]!;
  return 0;
}
