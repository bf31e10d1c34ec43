// IP addresses, CIDRs and address ranges as numbers: parsing with reasons, canonical text
// (dotted quad; RFC 5952 for IPv6), containment and overlap. Written for the spec's checks.

import { quote } from './quote.ts';

export type Family = 4 | 6;

export interface IP {
  family: Family;
  value: bigint;
}

/** An inclusive span of addresses of one family: a CIDR, or a pool's `first-last` range. */
export interface Span {
  family: Family;
  first: bigint;
  last: bigint;
}

export interface CIDR extends Span {
  prefix: number;
}

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function familyName(f: Family): 'IPv4' | 'IPv6' {
  return f === 4 ? 'IPv4' : 'IPv6';
}

function parseV4(text: string): bigint | string {
  // Hand-rolled rather than split and regex: specs hold 100,000s of addresses.
  let v = 0;
  let parts = 0;
  for (let start = 0; ; ) {
    let end = text.indexOf('.', start);
    if (end < 0) end = text.length;
    const part = text.slice(start, end);
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57 || end - start > 3) return `${quote(part)} is not a number from 0 to 255`;
      n = n * 10 + (c - 48);
    }
    if (end === start) return 'an IPv4 address has four dot-separated numbers';
    // Leading zeros read as octal in some tools and decimal in others: refuse the ambiguity.
    if (end - start > 1 && text.charCodeAt(start) === 48) return `${quote(part)} has a leading zero, which some tools read as octal`;
    if (n > 255) return `${part} is more than 255`;
    v = v * 256 + n;
    if (++parts > 4) break;
    if (end === text.length) break;
    start = end + 1;
  }
  return parts === 4 ? BigInt(v) : 'an IPv4 address has four dot-separated numbers';
}

function parseV6(text: string): bigint | string {
  if (text.includes('%')) return 'zone indexes (%) have no meaning in a cluster spec';
  let groups: string[];
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
    const v4 = parseV4(text.slice(lastColon + 1));
    if (typeof v4 === 'string') return `embedded IPv4 address: ${v4}`;
    head = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return '"::" may appear only once';
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const left = split(halves[0]!);
  const right = halves.length === 2 ? split(halves[1]!) : [];
  const present = left.length + right.length;
  if (halves.length === 2) {
    if (present > 7) return '"::" stands for at least one group, but there are already eight';
    groups = [...left, ...Array<string>(8 - present).fill('0'), ...right];
  } else {
    if (present !== 8) return `an IPv6 address has eight groups, this has ${present}`;
    groups = left;
  }
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return `${quote(g)} is not a group of one to four hex digits`;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseIP(text: string): Parsed<IP> {
  const family: Family = text.includes(':') ? 6 : 4;
  const v = family === 4 ? parseV4(text) : parseV6(text);
  return typeof v === 'string' ? { error: v } : { value: { family, value: v } };
}

export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // IPv4-mapped addresses keep their dotted tail (RFC 5952 section 5).
  if (ip.value >> 32n === 0xffffn) return `::ffff:${formatIP({ family: 4, value: ip.value & 0xffffffffn })}`;
  // The longest run of two or more zero groups becomes "::", the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Canonical text of an address, or undefined when it does not parse. */
export function canonicalIP(text: string): string | undefined {
  const p = parseIP(text);
  return p.value && formatIP(p.value);
}

export function parseCIDR(text: string): Parsed<CIDR> {
  const slash = text.indexOf('/');
  if (slash < 0) return { error: 'a CIDR is an address, "/" and a prefix length' };
  const ip = parseIP(text.slice(0, slash));
  if (ip.error !== undefined) return { error: ip.error };
  const cidr = withPrefix(ip.value, text.slice(slash + 1));
  if (cidr.error !== undefined) return cidr;
  if (ip.value.value !== cidr.value.first) {
    return { error: `host bits are set; the network is ${formatCIDR(cidr.value)}` };
  }
  return cidr;
}

/** The network of `ip` with prefix length `lenText`, host bits cleared. */
function withPrefix(ip: IP, lenText: string): Parsed<CIDR> {
  const bits = BITS[ip.family];
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > bits) {
    return { error: `prefix length ${quote(lenText)} must be a number from 0 to ${bits}` };
  }
  const prefix = Number(lenText);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = ip.value & ~hostMask;
  return { value: { family: ip.family, first, last: first | hostMask, prefix } };
}

/**
 * An address as the API server validates Kubernetes' legacy IP fields and kube-proxy reads them
 * (netutils.ParseIPSloppy): an IPv4 number with leading zeros is decimal. `loose` says so.
 */
export function parseLegacyIP(text: string): Parsed<IP> & { loose?: string } {
  const strict = parseIP(text);
  if (strict.error === undefined || text.includes(':')) return strict;
  // Only dotted IPv4 numbers: an IPv6 group's leading zeros are hex and already allowed.
  const decimal = text.split('.').map((n) => n.replace(/^0+(?=\d)/, '')).join('.');
  const ip = parseIP(decimal);
  return ip.error === undefined ? { value: ip.value, loose: 'leading zeros read as decimal' } : ip;
}

/**
 * A CIDR as the API server validates Kubernetes' legacy CIDR fields and kube-proxy reads them
 * (netutils.ParseCIDRSloppy): the address as parseLegacyIP reads it, and host bits cleared.
 * `loose` names what the text says beyond the network it stands for, if anything.
 */
export function parseLegacyCIDR(text: string): Parsed<CIDR> & { loose?: string } {
  const strict = parseCIDR(text);
  if (strict.error === undefined) return strict;
  const slash = text.indexOf('/');
  if (slash < 0) return strict;
  const ip = parseLegacyIP(text.slice(0, slash));
  if (ip.error !== undefined) return strict;
  const cidr = withPrefix(ip.value, text.slice(slash + 1));
  if (cidr.error !== undefined) return strict;
  const loose = [ip.loose, ip.value.value !== cidr.value.first && 'host bits cleared'];
  return { value: cidr.value, loose: loose.filter(Boolean).join(', ') };
}

export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.first })}/${c.prefix}`;
}

/** A pool entry: a CIDR or a `first-last` range of one family. */
export function parseSpan(text: string): Parsed<Span> {
  if (text.includes('/')) return parseCIDR(text);
  const dash = text.indexOf('-');
  if (dash < 0) return { error: 'expected a CIDR such as 10.3.0.0/24 or a range such as 10.3.0.10-10.3.0.20' };
  const a = parseIP(text.slice(0, dash).trim());
  const b = parseIP(text.slice(dash + 1).trim());
  if (a.error !== undefined) return { error: `first address: ${a.error}` };
  if (b.error !== undefined) return { error: `last address: ${b.error}` };
  if (a.value.family !== b.value.family) return { error: 'the two ends are of different IP families' };
  if (a.value.value > b.value.value) return { error: 'the first address is after the last' };
  return { value: { family: a.value.family, first: a.value.value, last: b.value.value } };
}

export function spanContains(s: Span, ip: IP): boolean {
  return s.family === ip.family && s.first <= ip.value && ip.value <= s.last;
}

export function spansOverlap(a: Span, b: Span): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** IPv4 before IPv6, then numerically: 10.1.0.2 before 10.1.0.10, as reviewers expect. */
export function compareIPs(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Orders address texts numerically; text that does not parse sorts last, by text. */
export function compareAddressText(a: string, b: string): number {
  const pa = parseIP(a).value;
  const pb = parseIP(b).value;
  if (pa && pb) return compareIPs(pa, pb);
  if (pa || pb) return pa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts items by an address each holds, parsing every address once (not once per comparison). */
export function sortByAddress<T>(items: T[], address: (t: T) => string): void {
  const keys = new Map<T, IP | undefined>();
  for (const item of items) keys.set(item, parseIP(address(item)).value);
  items.sort((x, y) => {
    const a = keys.get(x);
    const b = keys.get(y);
    if (a && b) return compareIPs(a, b);
    if (a || b) return a ? -1 : 1;
    return compareAddressText(address(x), address(y));
  });
}

/**
 * The smallest CIDR holding every address given (all of one family), widened to at least
 * `minBits` host bits: used to suggest a service CIDR from the clusterIPs seen.
 */
export function coveringCIDR(ips: IP[], minHostBits: number): CIDR | undefined {
  if (ips.length === 0) return undefined;
  const family = ips[0]!.family;
  const bits = BITS[family];
  let lo = ips[0]!.value;
  let hi = lo;
  for (const ip of ips) {
    if (ip.value < lo) lo = ip.value;
    if (ip.value > hi) hi = ip.value;
  }
  let host = minHostBits;
  while (host < bits && lo >> BigInt(host) !== hi >> BigInt(host)) host++;
  const mask = (1n << BigInt(host)) - 1n;
  return { family, first: lo & ~mask, last: (lo & ~mask) | mask, prefix: bits - host };
}
