// Encodes the plan into map contents, field by field after map-layouts.ts: what every node
// loads (cluster-wide), what every node of a zone adds on top (zone-narrowed entries and their
// Maglev tables), and what each node adds last (its Local-policy entries, node-hinted entries,
// HostPorts and their Maglev tables). A later layer's entry replaces an earlier one's with the same key.

import type { Frontend } from '../model/frontends.ts';
import type { MaglevTable, NodeConfig, NodeEntry, Plan, ServiceEntry, UnitBackend } from '../plan/types.ts';
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
  NODE_CONFIG,
  NODE_CONFIG_LIMITS,
  offsets,
  PROTOCOL,
  SCOPE,
  SERVICE_FLAGS,
  SERVICE_KIND,
  SERVICE_KIND_SHIFT,
  type MapLayout,
} from './map-layouts.ts';
import { RecordBuffer } from './record-buffer.ts';

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
const NC = offsets(NODE_CONFIG);

/** Host order on the nodes we target (x86-64, arm64). */
const LE = true;

export function serviceFlags(e: ServiceEntry): number {
  const f = e.frontend;
  let flags = SERVICE_KIND[f.kind] << SERVICE_KIND_SHIFT;
  if (e.affinityTimeout !== undefined) flags |= SERVICE_FLAGS.AFFINITY.bit;
  if (e.twoScopes) flags |= SERVICE_FLAGS.TWO_SCOPES.bit;
  // Without an endpoint of the family on any node, kube-proxy rejects even under a Local policy
  // (it drops only when the endpoints are elsewhere): the entry then goes without LOCAL, so that
  // the tc/XDP programs refuse, as for any service without endpoints.
  if (e.set === 'local' && e.unit.byFamily[f.address.family].length > 0) flags |= SERVICE_FLAGS.LOCAL.bit;
  if (e.sourceRanges) flags |= SERVICE_FLAGS.SOURCE_RANGES.bit;
  if (f.wildcard) flags |= SERVICE_FLAGS.WILDCARD.bit;
  if (f.kind !== 'ClusterIP') flags |= SERVICE_FLAGS.ROUTABLE.bit;
  if (e.notInCluster) flags |= SERVICE_FLAGS.NOT_IN_CLUSTER.bit;
  return flags;
}

function serviceKey(r: RecordBuffer, off: number, f: Frontend, scope: number, slot: number): void {
  const o = f.address.family === 6 ? K6 : K4;
  r.bytes.set(f.address.bytes, off + o.address!);
  r.view.setUint16(off + o.port!, f.port, false);
  r.bytes[off + o.protocol!] = PROTOCOL[f.protocol];
  r.bytes[off + o.scope!] = scope;
  r.view.setUint16(off + o.slot!, slot, LE);
}

/** Slot 0 and one slot per backend, in the plan's slot order. */
function serviceEntries(r: RecordBuffer, e: ServiceEntry, backends: readonly UnitBackend[]): void {
  const scope = SCOPE[e.scope];
  let off = r.add();
  serviceKey(r, off, e.frontend, scope, 0);
  const v = off + r.keySize;
  const active = activeCount(backends);
  r.view.setUint32(v + SV.backend_id!, e.affinityTimeout ?? 0, LE);
  r.view.setUint16(v + SV.count!, active, LE);
  r.view.setUint16(v + SV.terminating!, backends.length - active, LE);
  r.view.setUint16(v + SV.rev_nat_id!, e.frontend.revNatId, LE);
  r.view.setUint16(v + SV.service_id!, e.unit.id, LE);
  r.view.setUint16(v + SV.flags!, serviceFlags(e), LE);
  for (let i = 0; i < backends.length; i++) {
    off = r.add();
    serviceKey(r, off, e.frontend, scope, i + 1);
    r.view.setUint32(off + r.keySize + SV.backend_id!, backends[i]!.backend.id, LE);
  }
}

function maglevEntry(r: RecordBuffer, m: MaglevTable): void {
  const off = r.add();
  r.view.setUint16(off + MK.service_id!, m.unit.id, LE);
  r.bytes[off + MK.set!] = BACKEND_SET[m.set];
  r.bytes[off + MK.family!] = m.family;
  const v = off + r.keySize;
  for (let i = 0; i < m.table.length; i++) r.view.setUint32(v + i * 4, m.table[i]!, LE);
}

/**
 * The node's one node_config entry: its ID, addresses and pod CIDRs (the first of each family).
 * Addresses beyond the slots are left out here; check-node-config.ts refuses such a spec first.
 */
function nodeConfigEntry(r: RecordBuffer, c: NodeConfig, nodeId: number): void {
  const off = r.add();
  r.view.setUint32(off, 0, LE);
  const v = off + r.keySize;
  r.view.setUint32(v + NC.node_id!, nodeId, LE);
  const v4 = c.addresses.filter((a) => a.family === 4).slice(0, NODE_CONFIG_LIMITS.ipv4);
  const v6 = c.addresses.filter((a) => a.family === 6).slice(0, NODE_CONFIG_LIMITS.ipv6);
  r.bytes[v + NC.ipv4_count!] = v4.length;
  r.bytes[v + NC.ipv6_count!] = v6.length;
  v4.forEach((a, i) => r.bytes.set(a.bytes, v + NC.ipv4! + 4 * i));
  v6.forEach((a, i) => r.bytes.set(a.bytes, v + NC.ipv6! + 16 * i));
  const pod4 = c.podCIDRs.find((p) => p.family === 4);
  const pod6 = c.podCIDRs.find((p) => p.family === 6);
  if (pod4) {
    r.bytes[v + NC.pod_prefix4!] = pod4.prefix;
    r.bytes.set(pod4.network.bytes, v + NC.pod_cidr4!);
  }
  if (pod6) {
    r.bytes[v + NC.pod_prefix6!] = pod6.prefix;
    r.bytes.set(pod6.network.bytes, v + NC.pod_cidr6!);
  }
}

export interface EncodedMaps {
  layouts: MapLayout[];
  /** Every compiled map, empty ones included, in layout order; records sorted. */
  cluster: RecordBuffer[];
  /** Zone name → the maps its layer adds to (non-empty only), records sorted. */
  zones: Map<string, RecordBuffer[]>;
  /** Node name → the zone whose layer it applies, for nodes whose zone has one. */
  nodeZones: Map<string, string>;
  /** Node name → the maps it adds to (non-empty only), records sorted. */
  nodes: Map<string, RecordBuffer[]>;
}

export function encodeMaps(plan: Plan): EncodedMaps {
  const layouts = mapLayouts(plan.cluster.maps, plan.cluster.datapath.maglevTableSize);
  const byName = new Map(layouts.map((l) => [l.name, l]));
  const buffer = (name: string): RecordBuffer => {
    const l = byName.get(name)!;
    return new RecordBuffer(name, l.key.size, l.value.size);
  };
  const maps = new Map<string, RecordBuffer>(layouts.filter((l) => l.contents === 'compiled').map((l) => [l.name, buffer(l.name)]));
  const get = (name: string): RecordBuffer => maps.get(name)!;

  for (const e of plan.entries) {
    serviceEntries(get(e.frontend.address.family === 6 ? MAP.services6 : MAP.services4), e, clusterEntryBackends(e));
  }
  for (const b of plan.backends) {
    const v6 = b.address.family === 6;
    const o = v6 ? B6 : B4;
    const r = get(v6 ? MAP.backends6 : MAP.backends4);
    const off = r.add();
    r.view.setUint32(off, b.id, LE);
    const v = off + r.keySize;
    r.bytes.set(b.address.bytes, v + o.address!);
    r.view.setUint16(v + o.port!, b.port, false);
    r.bytes[v + o.protocol!] = PROTOCOL[b.protocol];
    r.bytes[v + o.flags!] = b.terminating ? BACKEND_FLAGS.TERMINATING.bit : 0;
  }
  for (const u of [...plan.services.flatMap((s) => s.units), ...plan.hostPorts]) {
    for (const f of u.frontends) {
      const v6 = f.address.family === 6;
      const o = v6 ? R6 : R4;
      const r = get(v6 ? MAP.reverseNat6 : MAP.reverseNat4);
      const off = r.add();
      r.view.setUint16(off, f.revNatId, LE);
      const v = off + r.keySize;
      r.bytes.set(f.address.bytes, v + o.address!);
      r.view.setUint16(v + o.port!, f.port, false);
    }
  }
  for (const s of plan.sourceRanges) {
    const v6 = s.cidr.family === 6;
    const o = v6 ? S6 : S4;
    const r = get(v6 ? MAP.sourceRanges6 : MAP.sourceRanges4);
    const off = r.add();
    r.view.setUint32(off + o.prefixlen!, 32 + s.cidr.prefix, LE);
    r.view.setUint16(off + o.rev_nat_id!, s.frontend.revNatId, LE);
    r.bytes.set(s.cidr.network.bytes, off + o.address!);
    r.bytes[off + r.keySize] = 1;
  }
  for (const m of plan.maglev) maglevEntry(get(MAP.maglev), m);
  for (const r of maps.values()) r.sort();

  /** The maps one layer adds to (non-empty only), in layout order, records sorted. */
  const layer = (entries: readonly NodeEntry[], maglev: readonly MaglevTable[], extra?: (add: (name: string) => RecordBuffer) => void): RecordBuffer[] => {
    const own = new Map<string, RecordBuffer>();
    const add = (name: string): RecordBuffer => {
      let r = own.get(name);
      if (!r) own.set(name, (r = buffer(name)));
      return r;
    };
    for (const ne of entries) serviceEntries(add(ne.entry.frontend.address.family === 6 ? MAP.services6 : MAP.services4), ne.entry, ne.backends);
    for (const m of maglev) maglevEntry(add(MAP.maglev), m);
    extra?.(add);
    for (const r of own.values()) r.sort();
    return layouts.filter((l) => own.has(l.name)).map((l) => own.get(l.name)!);
  };
  const zones = new Map(plan.zones.map((z) => [z.zone, layer(z.entries, z.maglev)]));
  const nodes = new Map<string, RecordBuffer[]>();
  const configs = new Map(plan.nodeConfigs.map((c, i) => [c.name, { c, id: i + 1 }]));
  for (const t of plan.nodes) {
    const cfg = configs.get(t.node.name);
    const own = layer(t.entries, t.maglev, (add) => {
      if (cfg) nodeConfigEntry(add(MAP.nodeConfig), cfg.c, cfg.id);
    });
    if (own.length) nodes.set(t.node.name, own);
  }
  const nodeZones = new Map<string, string>();
  for (const t of plan.nodes) if (t.node.zone !== undefined && zones.has(t.node.zone)) nodeZones.set(t.node.name, t.node.zone);
  return { layouts, cluster: [...maps.values()], zones, nodeZones, nodes };
}
