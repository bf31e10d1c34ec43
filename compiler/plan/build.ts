// planCluster: the model plus the last lock in, the plan plus the next lock out. Allocation
// (addresses, nodePorts), frontends and their collisions, stable IDs, service-map entries
// shared by all nodes, per-node tables, Maglev tables and source ranges, in that order.

import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import { hostPortFrontend, serviceFrontends, type Frontend } from '../model/frontends.ts';
import type { Model, ModelBackend } from '../model/types.ts';
import { rangeOf } from '../spec/types.ts';
import { allocateClusterIPs, allocateLoadBalancerIPs } from './allocate-addresses.ts';
import { allocateNodePorts } from './allocate-node-ports.ts';
import { planCodes } from './codes.ts';
import { reportFrontendCollisions, type OwnedFrontend } from './frontend-collisions.ts';
import { assignIds, MAX_IDS } from './ids.ts';
import { emptyLock, type IdKind, type Lock } from './lock.ts';
import { buildNodeTables, maglevFor } from './node-tables.ts';
import { topologyHintsCache } from './topology.ts';
import { buildZoneTables } from './zone-tables.ts';
import { buildServiceEntries, hostPortEntry } from './service-entries.ts';
import { slotOrder } from './slot-order.ts';
import type { LbUnit, MaglevTable, Plan, PlannedBackend, PlannedFrontend, PlannedService, SourceRangeEntry, UnitBackend } from './types.ts';

export interface PlanResult {
  plan?: Plan;
  diagnostics: Diagnostic[];
}

/** Sorted by UTF-16 code units (the default sort, much faster than a comparator), unique. */
function sortedKeys(keys: Iterable<string>): string[] {
  return Array.from(new Set(keys)).sort();
}

const PROTO_BIT: Record<string, number> = { TCP: 0, UDP: 1 };

/**
 * Backend keys in address order (IPv4 by address, port, protocol; then IPv6 by key text),
 * unique. A numeric sort: at 100,000 backends, sorting the key strings was a tenth of the plan.
 */
function sortedBackendKeys(backends: readonly ModelBackend[]): string[] {
  const v4 = new Map<number, string>();
  const v6 = new Set<string>();
  for (const b of backends) {
    if (b.address.family === 6) {
      v6.add(b.key);
      continue;
    }
    const a = b.address.bytes;
    // address (32 bits) · port (16) · protocol (1): 49 bits, exact in a double.
    const n = ((a[0]! * 256 + a[1]!) * 256 + a[2]!) * 256 + a[3]!;
    v4.set(n * 131072 + b.port * 2 + PROTO_BIT[b.protocol]!, b.key);
  }
  const order = Float64Array.from(v4.keys()).sort();
  const out: string[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = v4.get(order[i]!)!;
  return out.concat([...v6].sort());
}

export function planCluster(model: Model, previous: Lock = emptyLock()): PlanResult {
  const diags = new Diagnostics();
  const next = emptyLock();
  const { datapath, maps } = model.cluster;
  // The spec stage refuses a table size that is not prime (SY1050); maglev.ts throws on one.
  const maglevOn = datapath.algorithm === 'maglev';

  const clusterIPs = allocateClusterIPs(model, previous, next, diags);
  const lbIPs = allocateLoadBalancerIPs(model, previous, next, diags);
  const ports = allocateNodePorts(model, previous, next, diags);

  // Frontends per service port, then collisions between everything that answers somewhere.
  const serviceFronts: Frontend[][][] = [];
  const owned: OwnedFrontend[] = [];
  for (const svc of model.services) {
    const addrs = {
      clusterIPs: clusterIPs.get(svc.key) ?? [],
      loadBalancerIPs: lbIPs.get(svc.key) ?? [],
      nodePorts: svc.ports.map((p) => ports.nodePorts.get(p.key)),
    };
    const perPort = svc.ports.map((_, i) => serviceFrontends(svc, i, addrs));
    serviceFronts.push(perPort);
    for (const list of perPort) for (const frontend of list) owned.push({ frontend, owner: `service ${svc.key}` });
  }
  const hostFronts = model.hostPorts.map(hostPortFrontend);
  reportFrontendCollisions(
    owned,
    hostFronts.map((frontend, i) => {
      const h = model.hostPorts[i]!;
      return { frontend, owner: `hostPort ${h.port}/${h.protocol} on ${h.node}${h.pod ? ` (pod ${h.pod})` : ''}` };
    }),
    diags,
  );

  // Stable IDs, new ones in key order.
  const allBackends: ModelBackend[] = [];
  for (const svc of model.services) for (const p of svc.ports) for (const b of p.backends) allBackends.push(b);
  for (const h of model.hostPorts) allBackends.push(h.backend);
  const idOf = {} as Record<IdKind, Map<string, number>>;
  const wanted: Record<IdKind, string[]> = {
    service: sortedKeys([...model.services.flatMap((s) => s.ports.map((p) => p.key)), ...model.hostPorts.map((h) => h.key)]),
    revnat: sortedKeys([...owned.map((o) => o.frontend.key), ...hostFronts.map((f) => f.key)]),
    backend: sortedBackendKeys(allBackends),
  };
  for (const kind of ['service', 'revnat', 'backend'] as const) {
    const r = assignIds(wanted[kind], previous.ids[kind], previous.next[kind], MAX_IDS[kind]);
    idOf[kind] = r.ids;
    next.ids[kind] = r.ids;
    next.next[kind] = r.next;
    if (r.exhausted.length) {
      diags.report(planCodes.SY2014, `cluster: all ${MAX_IDS[kind]} ${kind} IDs are in use; ${r.exhausted.length} left without one (first: ${r.exhausted[0]})`, model.cluster.at, [
        `the ${kind} ID is ${MAX_IDS[kind] === 0xffff ? 16 : 32} bits wide in the BPF maps; split the cluster or remove unused entries`,
      ]);
    }
  }

  const backends = new Map<string, PlannedBackend>();
  const unitBackends = (key: string, list: readonly ModelBackend[]): Pick<LbUnit, 'backends' | 'byFamily'> => {
    const out: UnitBackend[] = [];
    for (const b of list) {
      const id = idOf.backend.get(b.key);
      if (id === undefined) continue;
      let pb = backends.get(b.key);
      if (!pb) {
        pb = { id, key: b.key, address: b.address, port: b.port, protocol: b.protocol, terminating: b.terminating };
        backends.set(b.key, pb);
      } else if (!b.terminating) {
        pb.terminating = false;
      }
      out.push({ backend: pb, node: b.node, terminating: b.terminating, hints: b.spec.hints });
    }
    // The spec refuses a backend twice in one service (SY1037), but two spellings of one
    // address would meet here: keep the first (active before terminating, as slots go).
    out.sort((a, b) => (a.terminating === b.terminating ? a.backend.id - b.backend.id : a.terminating ? 1 : -1));
    let n = 0;
    for (let i = 0; i < out.length; i++) {
      const b = out[i]!;
      if (n > 0 && out[n - 1]!.backend === b.backend) continue;
      out[n++] = b;
    }
    out.length = n;
    // Slots keep their backends from the previous compile (slot-order.ts).
    const order = slotOrder(out, previous.slots.get(key));
    if (order.length > 1) next.slots.set(key, order.map((b) => b.backend.id));
    let v6 = 0;
    for (const b of order) if (b.backend.address.family === 6) v6++;
    if (v6 === 0) return { backends: order, byFamily: { 4: order, 6: [] } };
    if (v6 === n) return { backends: order, byFamily: { 4: [], 6: order } };
    return { backends: order, byFamily: { 4: order.filter((b) => b.backend.address.family === 4), 6: order.filter((b) => b.backend.address.family === 6) } };
  };
  const plannedFrontend = (f: Frontend): PlannedFrontend => ({ ...f, revNatId: idOf.revnat.get(f.key) ?? 0 });

  const services: PlannedService[] = model.services.map((svc, si) => {
    const planned: PlannedService = {
      key: svc.key,
      namespace: svc.namespace,
      name: svc.name,
      type: svc.type,
      clusterIPs: clusterIPs.get(svc.key) ?? [],
      loadBalancerIPs: lbIPs.get(svc.key) ?? [],
      externalIPs: svc.externalIPs,
      healthCheckNodePort: ports.healthCheckNodePorts.get(svc.key),
      units: [],
      model: svc,
    };
    planned.units = svc.ports.map((p, pi) => ({
      id: idOf.service.get(p.key) ?? 0,
      key: p.key,
      service: planned,
      name: p.name,
      protocol: p.protocol,
      port: p.port,
      nodePort: ports.nodePorts.get(p.key),
      frontends: serviceFronts[si]![pi]!.map(plannedFrontend),
      ...unitBackends(p.key, p.backends),
    }));
    return planned;
  });
  const hostPorts: LbUnit[] = model.hostPorts.map((h, i) => ({
    id: idOf.service.get(h.key) ?? 0,
    key: h.key,
    hostPort: h,
    name: '',
    protocol: h.protocol,
    port: h.port,
    frontends: [plannedFrontend(hostFronts[i]!)],
    ...unitBackends(h.key, [h.backend]),
  }));

  const units = services.flatMap((s) => s.units);
  for (const u of units) {
    const most = Math.max(u.byFamily[4].length, u.byFamily[6].length);
    if (most > maps.backendsPerService) {
      diags.report(
        planCodes.SY2007,
        `service ${u.service!.key}: port ${u.name || u.port}/${u.protocol} has ${most} backends, more than cluster.maps.backendsPerService (${maps.backendsPerService})`,
        rangeOf(u.service!.model.spec, 'backends'),
        ['raise cluster.maps.backendsPerService, or split the service'],
      );
    }
  }

  const entries = buildServiceEntries(units, model.cluster);
  const hostEntries = hostPorts.map(hostPortEntry);
  const maglev: MaglevTable[] = [];
  if (maglevOn && !diags.hasErrors) {
    const done = new Set<UnitBackend[]>();
    for (const e of entries) {
      const family = e.frontend.address.family;
      const list = e.unit.byFamily[family];
      if (e.set !== 'all' || done.has(list)) continue;
      done.add(list);
      const m = maglevFor(e.unit, 'all', family, list, datapath.maglevTableSize);
      if (m) maglev.push(m);
    }
  }
  const maglevOptions = { enabled: maglevOn && !diags.hasErrors, size: datapath.maglevTableSize };
  const hints = topologyHintsCache();
  const zones = buildZoneTables(model.nodes, entries, maglevOptions, hints);
  const nodes = buildNodeTables(model.nodes, entries, hostEntries, maglevOptions, hints);

  const sourceRanges: SourceRangeEntry[] = [];
  for (const e of entries) {
    if (!e.sourceRanges || e.scope !== 'external') continue;
    for (const cidr of e.unit.service!.model.sourceRanges) {
      if (cidr.family === e.frontend.address.family) sourceRanges.push({ frontend: e.frontend, cidr });
    }
  }

  const plan: Plan = {
    model,
    cluster: model.cluster,
    services,
    hostPorts,
    backends: [...backends.values()].sort((a, b) => a.id - b.id),
    entries,
    nodes,
    zones,
    nodeConfigs: model.nodes.map((n) => ({
      name: n.name,
      addresses: n.addresses,
      podCIDRs: n.podCIDRs,
      devices: n.devices,
      datapath,
      nodePortRange: model.cluster.nodePortRange,
    })),
    sourceRanges,
    maglev,
    lock: next,
  };
  const diagnostics = diags.sorted();
  return { plan: diags.hasErrors ? undefined : plan, diagnostics };
}
