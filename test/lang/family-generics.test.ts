// Generic functions over the address family: one source, one instance per family (named with
// the family's IP version), the family's maps and leaf functions reached through a compile-time
// object, its struct types through the type parameter (`F['key']`), isV6 folded so the other
// family's branch is never lowered, and FixedArray fields copied by value in assignments and
// literals, so that a be32 and a FixedArray<be32, 4> address read the same.

import test from 'ava';
import { buildObject } from '../../compiler/bpf/object.ts';
import { listObject } from '../../compiler/bpf/listing.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { compile, compileOk, load, mapLookup, mapUpdate } from './helpers.ts';
import { ipv4Udp } from './packets.ts';

const families = `
interface k4 { addr: be32; port: be16; pad: u16 }
interface k6 { addr: FixedArray<be32, 4>; port: be16; pad: u16 }
interface hits { count: u64; addr: FixedArray<be32, 4> }
export const m4 = map<k4, hits>({ type: 'hash', maxEntries: 4 });
export const m6 = map<k6, hits>({ type: 'hash', maxEntries: 4 });

interface V4 { addr: be32; key: k4 }
interface V6 { addr: FixedArray<be32, 4>; key: k6 }
interface Family<F extends V4 | V6> extends AddressFamily {
  m: BpfMap<F['key'], hits>;
  low(k: F['key']): u32;
}
function low4(k: k4): u32 { return ntohl(k.addr); }
function low6(k: k6): u32 { return ntohl(k.addr[3]); }
export const v4: Family<V4> = { ipVersion: 4, m: m4, low: low4 };
export const v6: Family<V6> = { ipVersion: 6, m: m6, low: low6 };
`;

const source = `${families}
/** One body, two instances: count4 and count6. @noinline */
function count<F extends V4 | V6>(fam: Family<F>, port: be16): u32 {
  const k: F['key'] = { ...zeroed<F['key']>(), port };
  k.addr = addrOf(fam, port);
  const e = fam.m.lookup(k);
  if (!e) return 0;
  e.count += 1;
  return fam.low(k) + u32(version(fam));
}

/** @inline */
function version<F extends V4 | V6>(fam: Family<F>): u8 {
  if (isV6(fam)) return 6;
  return 4;
}

/** The IPv4 family's address in the first word, IPv6's in the last (for the test to tell). @inline */
function addrOf<F extends V4 | V6>(fam: Family<F>, port: be16): F['addr'] {
  const k: F['key'] = { ...zeroed<F['key']>(), port };
  return k.addr;
}

/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  return count(v4, htons(80)) + count(v6, htons(80)) + count(v4, htons(81)) + count(v6, htons(81));
}
`;

test('one generic body, an instance per family, named with its IP version', (t) => {
  const r = compileOk(t, source);
  const listing = listObject(buildObject(r.object));
  t.regex(listing, /^count4:/m);
  t.regex(listing, /^count6:/m);
  t.is(listing.match(/call count4$/gm)?.length, 2, 'both IPv4 call sites share count4');
  t.is(listing.match(/call count6$/gm)?.length, 2, 'both IPv6 call sites share count6');
  // The instances use their own family's map.
  const body = (name: string) => listing.slice(listing.indexOf(`\n${name}:`), listing.indexOf('\n\n', listing.indexOf(`\n${name}:`) + 1));
  t.regex(body('count4'), /m4/);
  t.notRegex(body('count4'), /m6/);
  t.regex(body('count6'), /m6/);
  t.notRegex(body('count6'), /m4/);
});

const frame = () => ipv4Udp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 1000, dport: 53 });

kernelTest('isV6 folds: each instance returns its constant without a branch on the family', (t) => {
  const r = compileOk(t, `${families}
/** @inline */
function version<F extends V4 | V6>(fam: Family<F>): u32 {
  if (isV6(fam)) return 6;
  return 4;
}
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  return version(v4) * 10 + version(v6);
}
`);
  t.notRegex(listObject(buildObject(r.object)), /goto/, 'no branch left');
  t.is(load(t, r, 'prog').run(frame()).retval, 46);
});

kernelTest("the other family's isV6 branch is never lowered", (t) => {
  const r = compileOk(t, `${families}
/** @inline */
function lastWord<F extends V4 | V6>(fam: Family<F>, k: F['key']): u32 {
  if (isV6(fam)) return fam.low(k);
  return u32(ntohs(k.port));
}
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  const a: k4 = { addr: htonl(1), port: htons(7), pad: 0 };
  const b: k6 = { addr: [htonl(1), htonl(2), htonl(3), htonl(4)], port: htons(7), pad: 0 };
  return lastWord(v4, a) * 10 + lastWord(v6, b);
}
`);
  t.notRegex(listObject(buildObject(r.object)), /goto/, 'no branch left');
  t.is(load(t, r, 'prog').run(frame()).retval, 74);
});

kernelTest('FixedArray fields are copied by value in assignments and literals', (t) => {
  const r = compileOk(t, `${families}
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  const a: k6 = { addr: [htonl(1), htonl(2), htonl(3), htonl(4)], port: htons(7), pad: 0 };
  const b: k6 = { addr: a.addr, port: a.port, pad: 0 };
  const c = zeroed<hits>();
  c.addr = b.addr;
  a.addr[3] = htonl(9);
  return ntohl(b.addr[3]) * 10 + ntohl(c.addr[3]);
}
`);
  t.is(load(t, r, 'prog').run(frame()).retval, 44, 'b and c hold copies: writing a later changes neither');
});

kernelTest('a const declared with a FixedArray type holds a copy of the field; without the type it names the field', (t) => {
  const r = compileOk(t, `${families}
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  const a: k6 = { addr: [htonl(1), htonl(2), htonl(3), htonl(4)], port: htons(7), pad: 0 };
  const kept: FixedArray<be32, 4> = a.addr;
  const named = a.addr;
  a.addr[3] = htonl(9);
  return ntohl(kept[3]) * 10 + ntohl(named[3]);
}
`);
  t.is(load(t, r, 'prog').run(frame()).retval, 49);
});

test('a type parameter no argument fixes is SY3071; isV6 of a run-time value is SY3072', (t) => {
  const unresolved = compile(`${families}
function size<T>(): u32 { return sizeof<T>(); }
/** @section xdp */
export function prog(ctx: XdpMd): u32 { return size(); }
`);
  t.true(unresolved.diagnostics.some((d) => d.code === 'SY3071'), unresolved.diagnostics.map((d) => d.message).join('\n'));
  const notFamily = compile(`${families}
interface hdr { ipVersion: u8; pad: FixedArray<u8, 7> }
export const h = map<u32, hdr>({ type: 'array', maxEntries: 1 });
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  const x = h.lookup(0);
  if (!x) return XDP_PASS;
  return isV6(x) ? XDP_DROP : XDP_PASS;
}
`);
  t.true(notFamily.diagnostics.some((d) => d.code === 'SY3072'), notFamily.diagnostics.map((d) => d.message).join('\n'));
});

kernelTest('each instance counts in its own family map, in the kernel', (t) => {
  const r = compileOk(t, source);
  const p = load(t, r, 'prog');
  const key4 = new Uint8Array([0, 0, 0, 0, 0, 80, 0, 0]);
  const key6 = new Uint8Array(20);
  key6[17] = 80;
  const value = new Uint8Array(24);
  mapUpdate(p.maps.get('m4')!, key4, value);
  mapUpdate(p.maps.get('m6')!, key6, value);
  const res = p.run(frame());
  // count4 and count6 on port 80 hit (4 + 6), port 81 misses (0): 0 + 4 + 0 + 6.
  t.is(res.retval, 10);
  t.is(mapLookup(p.maps.get('m4')!, key4, 24)?.[0], 1);
  t.is(mapLookup(p.maps.get('m6')!, key6, 24)?.[0], 1);
});

test("@inline 4 / @noinline 6 hold for that family's instance only", (t) => {
  const r = compileOk(t, `${families}
/**
 * @inline 4
 * @noinline 6
 */
function bump<F extends V4 | V6>(fam: Family<F>, port: be16): u32 {
  const k: F['key'] = { ...zeroed<F['key']>(), port };
  const e = fam.m.lookup(k);
  if (!e) return 0;
  e.count += 1;
  return 1;
}
/** @section xdp */
export function prog(ctx: XdpMd): u32 {
  return bump(v4, htons(1)) + bump(v4, htons(2)) + bump(v6, htons(1)) + bump(v6, htons(2));
}
`);
  const listing = listObject(buildObject(r.object));
  t.regex(listing, /^bump6:/m);
  t.notRegex(listing, /^bump4:/m, 'the IPv4 instance is inlined');
});

test('an @inline predicate used as a condition branches where it is called, like its condition written out', (t) => {
  const body = (cond: string) => `${families}
interface S { ihl: u8; a: u8; pad: u16; b: be32; c: be32 }
export const s = map<u32, S>({ type: 'array', maxEntries: 1 });
/** @inline */
function hasOptions(f: S): bool { return f.ihl > 5; }
/** @inline */
function same(x: be32, y: be32): bool { return x === y; }
/** @section xdp */
export function p(ctx: XdpMd): u32 {
  const f = s.lookup(0);
  if (!f) return XDP_PASS;
  if (${cond}) return XDP_DROP;
  return XDP_TX;
}`;
  const insns = (cond: string) => listObject(buildObject(compileOk(t, body(cond)).object)).split('\n').filter((l) => !l.startsWith(';')).join('\n');
  t.is(insns('hasOptions(f) && f.a === 3'), insns('f.ihl > 5 && f.a === 3'));
  t.is(insns('f.a === 3 && same(f.b, f.c)'), insns('f.a === 3 && f.b === f.c'));
  t.is(insns('f.a === 3 || (!same(f.b, f.c) && !hasOptions(f))'), insns('f.a === 3 || (f.b !== f.c && f.ihl <= 5)'), 'a negated predicate is the inverse comparison');
});
