// Encodes the plan into map contents, field by field after map-layouts.ts: what every node
// loads (cluster-wide) and what each node adds on top (its Local-policy entries, HostPorts and
// their Maglev tables). A node-file entry replaces the cluster-wide entry with the same key.

import type { MapContents, MapEntry } from '../../runtime/format/map-contents.ts';
import type { Frontend } from '../model/frontends.ts';
import type { MaglevTable, Plan, ServiceEntry, UnitBackend } from '../plan/types.ts';
import { activeCount, clusterEntryBackends } from '../plan/types.ts';
import {
  BACKEND_FLAGS,
  BACKEND_SET,
  LB4_BACKEND,
  LB4_KEY,
  LB4_REVERSE_NAT,
  LB4_SRC_RANGE_KEY,
  LB6_BACKEND,
  LB6_KEY,
  LB6_REVERSE_NAT,
  LB6_SRC_RANGE_KEY,
  LB_SERVICE,
  MAGLEV_KEY,
  MAP,
  mapLayouts,
  offsets,
  PROTOCOL,
  SCOPE,
  SERVICE_FLAGS,
  SERVICE_KIND,
  SERVICE_KIND_SHIFT,
  type MapLayout,
} from './map-layouts.ts';

const K4 = offsets(LB4_KEY);
const K6 = offsets(LB6_KEY);
const SV = offsets(LB_SERVICE);
const B4 = offsets(LB4_BACKEND);
const B6 = offsets(LB6_BACKEND);
const R4 = offsets(LB4_REVERSE_NAT);
const R6 = offsets(LB6_REVERSE_NAT);
const S4 = offsets(LB4_SRC_RANGE_KEY);
const S6 = offsets(LB6_SRC_RANGE_KEY);
const MK = offsets(MAGLEV_KEY);

/** Host order on the nodes we target (x86-64, arm64). */
const LE = true;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function serviceFlags(e: ServiceEntry): number {
  const f = e.frontend;
  let flags = SERVICE_KIND[f.kind] << SERVICE_KIND_SHIFT;
  if (e.affinityTimeout !== undefined) flags |= SERVICE_FLAGS.AFFINITY.bit;
  if (e.twoScopes) flags |= SERVICE_FLAGS.TWO_SCOPES.bit;
  if (e.set === 'local') flags |= SERVICE_FLAGS.LOCAL.bit;
  if (e.sourceRanges) flags |= SERVICE_FLAGS.SOURCE_RANGES.bit;
  if (f.wildcard) flags |= SERVICE_FLAGS.WILDCARD.bit;
  if (f.kind !== 'ClusterIP') flags |= SERVICE_FLAGS.ROUTABLE.bit;
  if (e.notInCluster) flags |= SERVICE_FLAGS.NOT_IN_CLUSTER.bit;
  return flags;
}

function serviceKey(f: Frontend, scope: number, slot: number): Uint8Array {
  const v6 = f.address.family === 6;
  const o = v6 ? K6 : K4;
  const key = new Uint8Array(v6 ? LB6_KEY.size : LB4_KEY.size);
  const dv = view(key);
  key.set(f.address.bytes, o.address!);
  dv.setUint16(o.port!, f.port, false);
  key[o.protocol!] = PROTOCOL[f.protocol];
  key[o.scope!] = scope;
  dv.setUint16(o.slot!, slot, LE);
  return key;
}

/** Slot 0 and one slot per backend, in the plan's slot order. */
function serviceEntries(e: ServiceEntry, backends: readonly UnitBackend[], out: MapEntry[]): void {
  const scope = SCOPE[e.scope];
  const head = new Uint8Array(LB_SERVICE.size);
  const dv = view(head);
  dv.setUint32(SV.backend_id!, e.affinityTimeout ?? 0, LE);
  const active = activeCount(backends);
  dv.setUint16(SV.count!, active, LE);
  dv.setUint16(SV.terminating!, backends.length - active, LE);
  dv.setUint16(SV.rev_nat_id!, e.frontend.revNatId, LE);
  dv.setUint16(SV.service_id!, e.unit.id, LE);
  dv.setUint16(SV.flags!, serviceFlags(e), LE);
  out.push({ key: serviceKey(e.frontend, scope, 0), value: head });
  for (let i = 0; i < backends.length; i++) {
    const v = new Uint8Array(LB_SERVICE.size);
    view(v).setUint32(SV.backend_id!, backends[i]!.backend.id, LE);
    out.push({ key: serviceKey(e.frontend, scope, i + 1), value: v });
  }
}

function maglevEntry(m: MaglevTable): MapEntry {
  const key = new Uint8Array(MAGLEV_KEY.size);
  view(key).setUint16(MK.service_id!, m.unit.id, LE);
  key[MK.set!] = BACKEND_SET[m.set];
  key[MK.family!] = m.family;
  const value = new Uint8Array(m.table.length * 4);
  const dv = view(value);
  for (let i = 0; i < m.table.length; i++) dv.setUint32(i * 4, m.table[i]!, LE);
  return { key, value };
}

export interface EncodedMaps {
  layouts: MapLayout[];
  /** Every compiled map, empty ones included, in layout order. */
  cluster: MapContents[];
  /** Node name → the maps it adds to (non-empty only). */
  nodes: Map<string, MapContents[]>;
}

export function encodeMaps(plan: Plan): EncodedMaps {
  const layouts = mapLayouts(plan.cluster.maps, plan.cluster.datapath.maglevTableSize);
  const byName = new Map(layouts.map((l) => [l.name, l]));
  const entries = new Map<string, MapEntry[]>(layouts.filter((l) => l.contents === 'compiled').map((l) => [l.name, []]));
  const push = (map: string): MapEntry[] => entries.get(map)!;

  for (const e of plan.entries) {
    serviceEntries(e, clusterEntryBackends(e), push(e.frontend.address.family === 6 ? MAP.services6 : MAP.services4));
  }
  for (const b of plan.backends) {
    const v6 = b.address.family === 6;
    const o = v6 ? B6 : B4;
    const key = new Uint8Array(4);
    view(key).setUint32(0, b.id, LE);
    const value = new Uint8Array(v6 ? LB6_BACKEND.size : LB4_BACKEND.size);
    value.set(b.address.bytes, o.address!);
    view(value).setUint16(o.port!, b.port, false);
    value[o.protocol!] = PROTOCOL[b.protocol];
    value[o.flags!] = b.terminating ? BACKEND_FLAGS.TERMINATING.bit : 0;
    push(v6 ? MAP.backends6 : MAP.backends4).push({ key, value });
  }
  const units = [...plan.services.flatMap((s) => s.units), ...plan.hostPorts];
  for (const u of units) {
    for (const f of u.frontends) {
      const v6 = f.address.family === 6;
      const o = v6 ? R6 : R4;
      const key = new Uint8Array(2);
      view(key).setUint16(0, f.revNatId, LE);
      const value = new Uint8Array(v6 ? LB6_REVERSE_NAT.size : LB4_REVERSE_NAT.size);
      value.set(f.address.bytes, o.address!);
      view(value).setUint16(o.port!, f.port, false);
      push(v6 ? MAP.reverseNat6 : MAP.reverseNat4).push({ key, value });
    }
  }
  for (const r of plan.sourceRanges) {
    const v6 = r.cidr.family === 6;
    const o = v6 ? S6 : S4;
    const key = new Uint8Array(v6 ? LB6_SRC_RANGE_KEY.size : LB4_SRC_RANGE_KEY.size);
    const dv = view(key);
    dv.setUint32(o.prefixlen!, 32 + r.cidr.prefix, LE);
    dv.setUint16(o.rev_nat_id!, r.frontend.revNatId, LE);
    key.set(r.cidr.network.bytes, o.address!);
    push(v6 ? MAP.sourceRanges6 : MAP.sourceRanges4).push({ key, value: new Uint8Array([1]) });
  }
  for (const m of plan.maglev) push(MAP.maglev).push(maglevEntry(m));

  const contents = (name: string, list: MapEntry[]): MapContents => {
    const l = byName.get(name)!;
    return { map: name, keySize: l.key.size, valueSize: l.value.size, entries: list };
  };
  const cluster = [...entries].map(([name, list]) => contents(name, list));

  const nodes = new Map<string, MapContents[]>();
  for (const t of plan.nodes) {
    const own = new Map<string, MapEntry[]>();
    const add = (map: string): MapEntry[] => {
      let l = own.get(map);
      if (!l) own.set(map, (l = []));
      return l;
    };
    for (const ne of t.entries) serviceEntries(ne.entry, ne.backends, add(ne.entry.frontend.address.family === 6 ? MAP.services6 : MAP.services4));
    for (const m of t.maglev) add(MAP.maglev).push(maglevEntry(m));
    if (own.size) nodes.set(t.node.name, layouts.filter((l) => own.has(l.name)).map((l) => contents(l.name, own.get(l.name)!)));
  }
  return { layouts, cluster, nodes };
}
