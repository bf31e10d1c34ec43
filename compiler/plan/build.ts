// planCluster: the model plus the last lock in, the plan plus the next lock out, as named steps
// declared as data (as compiler/pipeline.ts declares the stages): allocation (addresses,
// nodePorts), frontends and their collisions, stable IDs, units, service-map entries shared by
// all nodes, Maglev, per-zone and per-node tables, source ranges, in that order. Every step
// runs, errors or not, so that one compile reports every problem; the plan is kept only
// without errors.

import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import type { Model } from '../model/types.ts';
import { rangeOf } from '../spec/types.ts';
import { allocateClusterIPs, allocateLoadBalancerIPs } from './allocate-addresses.ts';
import { allocateNodePorts } from './allocate-node-ports.ts';
import { planCodes } from './codes.ts';
import { emptyLock, type Lock } from './lock.ts';
import { buildNodeTables, maglevFor } from './node-tables.ts';
import { planFrontends } from './plan-frontends.ts';
import { planIds } from './plan-ids.ts';
import type { PlanState, PlanStep } from './plan-state.ts';
import { planUnits } from './plan-units.ts';
import { buildServiceEntries, hostPortEntry } from './service-entries.ts';
import { topologyHintsCache } from './topology.ts';
import type { MaglevTable, Plan, SourceRangeEntry, UnitBackend } from './types.ts';
import { buildZoneTables } from './zone-tables.ts';

export interface PlanResult {
  plan?: Plan;
  diagnostics: Diagnostic[];
}

function allocate(s: PlanState): void {
  s.clusterIPs = allocateClusterIPs(s.model, s.previous, s.next, s.diags);
  s.loadBalancerIPs = allocateLoadBalancerIPs(s.model, s.previous, s.next, s.diags);
  s.ports = allocateNodePorts(s.model, s.previous, s.next, s.diags);
}

function checkBackendsPerService(s: PlanState): void {
  const { backendsPerService } = s.model.cluster.maps;
  for (const u of s.services!.flatMap((svc) => svc.units)) {
    const most = Math.max(u.byFamily[4].length, u.byFamily[6].length);
    if (most > backendsPerService) {
      s.diags.report(
        planCodes.SY2007,
        `service ${u.service!.key}: port ${u.name || u.port}/${u.protocol} has ${most} backends, more than cluster.maps.backendsPerService (${backendsPerService})`,
        rangeOf(u.service!.model.spec, 'backends'),
        ['raise cluster.maps.backendsPerService, or split the service'],
      );
    }
  }
}

function planEntries(s: PlanState): void {
  s.entries = buildServiceEntries(s.services!.flatMap((svc) => svc.units), s.model.cluster);
  s.hostEntries = s.hostPorts!.map(hostPortEntry);
}

/**
 * The cluster-wide tables (set `all`), one per distinct backend list and family. Not built once
 * an earlier step failed: the plan is dropped then, and tables are the costly part.
 */
function planMaglev(s: PlanState): void {
  const { datapath } = s.model.cluster;
  // The spec stage refuses a table size that is not prime (SY1050); maglev.ts throws on one.
  const enabled = datapath.algorithm === 'maglev' && !s.diags.hasErrors;
  const maglev: MaglevTable[] = [];
  if (enabled) {
    const done = new Set<UnitBackend[]>();
    for (const e of s.entries!) {
      const family = e.frontend.address.family;
      const list = e.unit.byFamily[family];
      if (e.set !== 'all' || done.has(list)) continue;
      done.add(list);
      const m = maglevFor(e.unit, 'all', family, list, datapath.maglevTableSize);
      if (m) maglev.push(m);
    }
  }
  s.maglev = maglev;
  s.maglevOptions = { enabled, size: datapath.maglevTableSize };
}

function planTables(s: PlanState): void {
  const hints = topologyHintsCache();
  s.zones = buildZoneTables(s.model.nodes, s.entries!, s.maglevOptions!, hints);
  s.nodes = buildNodeTables(s.model.nodes, s.entries!, s.hostEntries!, s.maglevOptions!, hints);
}

function planSourceRanges(s: PlanState): void {
  const out: SourceRangeEntry[] = [];
  for (const e of s.entries!) {
    if (!e.sourceRanges || e.scope !== 'external') continue;
    for (const cidr of e.unit.service!.model.sourceRanges) {
      if (cidr.family === e.frontend.address.family) out.push({ frontend: e.frontend, cidr });
    }
  }
  s.sourceRanges = out;
}

export const planSteps: readonly PlanStep[] = [
  { name: 'allocate', does: 'ClusterIPs, LoadBalancer IPs and nodePorts, kept from the lock where it has them', run: allocate },
  { name: 'frontends', does: 'every address and port each service and hostPort answers on; collisions', run: planFrontends },
  { name: 'ids', does: 'stable service, reverse-NAT and backend IDs', run: planIds },
  { name: 'units', does: 'service ports and hostPorts with their frontends and backends in slot order', run: planUnits },
  { name: 'backends-per-service', does: 'no port with more backends than its map slots', run: checkBackendsPerService },
  { name: 'entries', does: 'the service-map entries every node shares', run: planEntries },
  { name: 'maglev', does: 'cluster-wide Maglev tables (algorithm: maglev)', run: planMaglev },
  { name: 'tables', does: 'per-zone and per-node tables where hints or policies narrow the backends', run: planTables },
  { name: 'source-ranges', does: 'loadBalancerSourceRanges of external entries', run: planSourceRanges },
];

export function planCluster(model: Model, previous: Lock = emptyLock()): PlanResult {
  const s: PlanState = { model, previous, next: emptyLock(), diags: new Diagnostics() };
  for (const step of planSteps) step.run(s);
  const { datapath } = model.cluster;
  const plan: Plan = {
    model,
    cluster: model.cluster,
    services: s.services!,
    hostPorts: s.hostPorts!,
    backends: [...s.backends!.values()].sort((a, b) => a.id - b.id),
    entries: s.entries!,
    nodes: s.nodes!,
    zones: s.zones!,
    nodeConfigs: model.nodes.map((n) => ({
      name: n.name,
      addresses: n.addresses,
      podCIDRs: n.podCIDRs,
      devices: n.devices,
      datapath,
      nodePortRange: model.cluster.nodePortRange,
    })),
    sourceRanges: s.sourceRanges!,
    maglev: s.maglev!,
    lock: s.next,
  };
  const diagnostics = s.diags.sorted();
  return { plan: s.diags.hasErrors ? undefined : plan, diagnostics };
}
