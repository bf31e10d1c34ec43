// Map contents for the packet tests, encoded from the layouts of compiler/emit/map-layouts.ts
// (the contract the emitter writes by), so a test's service table is exactly what a node would
// load: service entries with their backend slots, backends, the node's own addresses, source
// ranges. Conntrack entries are read back through the same layouts.

import { mapLookup, mapNextKey, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { mapInfo } from '../../runtime/sys/bpf-obj.ts';
import { maglevTable } from '../../compiler/plan/maglev.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import type { StructLayout } from '../../compiler/emit/map-layouts.ts';
import { ip4, ip6 } from './frames.ts';
import type { Datapath } from './harness.ts';
import { possibleCpuCount } from '../../runtime/map.ts';

type FieldValue = number | bigint | string | number[];

/**
 * Encodes `values` (by field name; absent fields are zero) into the struct's bytes. A name the
 * layout lacks is an error: a renamed field would otherwise be written as zero without a word.
 */
export function encodeStruct(layout: StructLayout, values: Record<string, FieldValue>): Uint8Array {
  for (const name of Object.keys(values)) {
    if (!layout.fields.some((f) => f.name === name)) throw new Error(`encodeStruct: ${layout.name} has no field ${name} (fields: ${layout.fields.map((f) => f.name).join(', ')})`);
  }
  const out = new Uint8Array(layout.size);
  const dv = new DataView(out.buffer);
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    switch (f.type) {
      case 'u8': dv.setUint8(f.offset, Number(v)); break;
      case 'u16': dv.setUint16(f.offset, Number(v), true); break;
      case 'u32': dv.setUint32(f.offset, Number(v), true); break;
      case 'u64': dv.setBigUint64(f.offset, BigInt(v as number | bigint), true); break;
      case 'be16': dv.setUint16(f.offset, Number(v), false); break;
      case 'be32': out.set(typeof v === 'string' ? ip4(v) : (v as number[]), f.offset); break;
      default: out.set(v as number[], f.offset);
    }
  }
  return out;
}

export function decodeStruct(layout: StructLayout, bytes: Uint8Array): Record<string, number | bigint | string> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, number | bigint | string> = {};
  for (const f of layout.fields) {
    switch (f.type) {
      case 'u8': out[f.name] = dv.getUint8(f.offset); break;
      case 'u16': out[f.name] = dv.getUint16(f.offset, true); break;
      case 'u32': out[f.name] = dv.getUint32(f.offset, true); break;
      case 'u64': out[f.name] = dv.getBigUint64(f.offset, true); break;
      case 'be16': out[f.name] = dv.getUint16(f.offset, false); break;
      case 'be32': out[f.name] = [...bytes.subarray(f.offset, f.offset + 4)].join('.'); break;
      case 'mac': out[f.name] = [...bytes.subarray(f.offset, f.offset + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':'); break;
      default: break;
    }
  }
  return out;
}

function put(dp: Datapath, map: string, key: Uint8Array, value: Uint8Array): void {
  const fd = dp.maps.get(map);
  if (fd === undefined) throw new Error(`no map ${map} in the object`);
  mapUpdate(fd, key, value);
}

export interface Backend4 {
  id: number;
  address: string;
  port: number;
  terminating?: boolean;
}

export interface Service4 {
  /** Frontend; '0.0.0.0' with WILDCARD for NodePorts. */
  address: string;
  port: number;
  protocol?: number;
  kind: keyof typeof L.SERVICE_KIND;
  flags?: (keyof typeof L.SERVICE_FLAGS)[];
  backends: Backend4[];
  revNatId: number;
  serviceId: number;
  /** sessionAffinity timeout in seconds (with the AFFINITY flag). */
  affinity?: number;
}

/** A service entry (slot 0 and its backend slots) and its backends, as the emitter writes them. */
export function putService4(dp: Datapath, s: Service4): void {
  const protocol = s.protocol ?? 6;
  const flags = (s.flags ?? []).reduce((a, f) => a | L.SERVICE_FLAGS[f].bit, 0) | (L.SERVICE_KIND[s.kind] << L.SERVICE_KIND_SHIFT);
  const key = (slot: number) => encodeStruct(L.LB4_KEY, { address: s.address, port: s.port, protocol, scope: 0, slot });
  const active = s.backends.filter((b) => !b.terminating);
  put(dp, 'lb4_services', key(0), encodeStruct(L.LB_SERVICE, {
    backend_id: s.affinity ?? 0,
    count: active.length,
    terminating: s.backends.length - active.length,
    rev_nat_id: s.revNatId,
    service_id: s.serviceId,
    flags,
  }));
  [...active, ...s.backends.filter((b) => b.terminating)].forEach((b, i) => {
    put(dp, 'lb4_services', key(i + 1), encodeStruct(L.LB_SERVICE, { backend_id: b.id }));
    put(dp, 'lb4_backends', encodeStruct(L.BACKEND_ID, { backend_id: b.id }), encodeStruct(L.LB4_BACKEND, { address: b.address, port: b.port, protocol, flags: b.terminating ? 1 : 0 }));
  });
  put(dp, 'lb4_reverse_nat', encodeStruct(L.REV_NAT_ID, { rev_nat_id: s.revNatId }), encodeStruct(L.LB4_REVERSE_NAT, { address: s.flags?.includes('WILDCARD') ? '0.0.0.0' : s.address, port: s.port }));
  putMaglev(dp, s.serviceId, 4, s.backends);
}

/**
 * With algorithm maglev, the service's tables as the compiler
 * builds them, for both backend sets (the node's own set: the same backends here; the tests'
 * node runs every backend it is given) and the service's family.
 */
function putMaglev(dp: Datapath, serviceId: number, family: 4 | 6, backends: readonly { id: number; address: string; port: number; terminating?: boolean }[]): void {
  const fd = dp.maps.get('lb_maglev');
  const active = backends.filter((b) => !b.terminating);
  if (!dp.maglev || fd === undefined || active.length === 0) return;
  const table = maglevTable(active.map((b) => ({ key: `${b.address}:${b.port}`, id: b.id })), mapInfo(fd).valueSize / 4);
  const value = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  for (const set of [0, 1]) mapUpdate(fd, encodeStruct(L.MAGLEV_KEY, { service_id: serviceId, set, family }), value);
}

/** A loadBalancerSourceRanges CIDR of a frontend. */
export function putSourceRange4(dp: Datapath, revNatId: number, cidr: string): void {
  const [addr, len] = cidr.split('/');
  put(dp, 'lb4_source_ranges', encodeStruct(L.LB4_SRC_RANGE_KEY, { prefixlen: 32 + Number(len), rev_nat_id: revNatId, address: addr! }), new Uint8Array([1]));
}

/** The node_config entry (map-layouts.ts NODE_CONFIG): the node's addresses and pod CIDRs. */
export function putNodeConfig(dp: Datapath, o: { ipv4: string[]; podCidr4: string; ipv6?: string[]; podCidr6?: string }): void {
  const v = new Uint8Array(L.NODE_CONFIG.size);
  const at = L.offsets(L.NODE_CONFIG);
  v[at.ipv4_count!] = o.ipv4.length;
  const [cidr, len] = o.podCidr4.split('/');
  v[at.pod_prefix4!] = Number(len);
  o.ipv4.forEach((a, i) => v.set(ip4(a), at.ipv4! + 4 * i));
  v.set(ip4(cidr!), at.pod_cidr4!);
  if (o.ipv6 && o.podCidr6) {
    v[at.ipv6_count!] = o.ipv6.length;
    const [cidr6, len6] = o.podCidr6.split('/');
    v[at.pod_prefix6!] = Number(len6);
    o.ipv6.forEach((a, i) => v.set(ip6(a), at.ipv6! + 16 * i));
    v.set(ip6(cidr6!), at.pod_cidr6!);
  }
  put(dp, 'node_config', new Uint8Array(4), v);
}

export interface Service6 extends Omit<Service4, 'backends'> {
  backends: { id: number; address: string; port: number }[];
}

/** An IPv6 service entry with its backend slots and backends. */
export function putService6(dp: Datapath, s: Service6): void {
  const protocol = s.protocol ?? 6;
  const flags = (s.flags ?? []).reduce((a, f) => a | L.SERVICE_FLAGS[f].bit, 0) | (L.SERVICE_KIND[s.kind] << L.SERVICE_KIND_SHIFT);
  const key = (slot: number) => encodeStruct(L.LB6_KEY, { address: ip6(s.address), port: s.port, protocol, scope: 0, slot });
  put(dp, 'lb6_services', key(0), encodeStruct(L.LB_SERVICE, { backend_id: s.affinity ?? 0, count: s.backends.length, rev_nat_id: s.revNatId, service_id: s.serviceId, flags }));
  s.backends.forEach((b, i) => {
    put(dp, 'lb6_services', key(i + 1), encodeStruct(L.LB_SERVICE, { backend_id: b.id }));
    put(dp, 'lb6_backends', encodeStruct(L.BACKEND_ID, { backend_id: b.id }), encodeStruct(L.LB6_BACKEND, { address: ip6(b.address), port: b.port, protocol }));
  });
  putMaglev(dp, s.serviceId, 6, s.backends);
}

export interface CtEntry {
  key: Record<string, number | bigint | string>;
  value: Record<string, number | bigint | string>;
}

/** Every ct4 entry, decoded. */
export function conntrack4(dp: Datapath): CtEntry[] {
  const fd = dp.maps.get('ct4')!;
  const out: CtEntry[] = [];
  let prev: Uint8Array | null = null;
  const key = new Uint8Array(L.CT4_KEY.size);
  const value = new Uint8Array(L.CT4_VALUE.size);
  while (mapNextKey(fd, prev, key)) {
    if (mapLookup(fd, key, value)) out.push({ key: decodeStruct(L.CT4_KEY, key), value: decodeStruct(L.CT4_VALUE, value) });
    prev = key.slice();
  }
  return out;
}

/** A service port's lb_stats counters, summed over the CPUs (as `switchyard-node dump` shows them). */
export function serviceStats(dp: Datapath, serviceId: number): Record<string, bigint> {
  const slot = (L.STATS_VALUE.size + 7) & ~7;
  const cpus = possibleCpuCount();
  const all = new Uint8Array(slot * cpus);
  const out: Record<string, bigint> = Object.fromEntries(L.STATS_VALUE.fields.map((f) => [f.name, 0n]));
  if (!mapLookup(dp.maps.get('lb_stats')!, encodeStruct(L.STATS_KEY, { service_id: serviceId }), all)) return out;
  for (let c = 0; c < cpus; c++) {
    const v = decodeStruct(L.STATS_VALUE, all.subarray(c * slot, c * slot + L.STATS_VALUE.size));
    for (const f of L.STATS_VALUE.fields) out[f.name]! += v[f.name] as bigint;
  }
  return out;
}
