// The review tables: sorted text, one self-contained line per fact, no column padding (so a
// wider address never re-aligns its neighbours), so a one-backend change is a one-line diff.

import { formatHostPort } from '../model/address.ts';
import { GENERATED_HEADER } from '../plan/lock.ts';
import type { LbUnit, MaglevTable, NodeConfig, NodeEntry, Plan, ServiceEntry, UnitBackend } from '../plan/types.ts';

function table(what: string, lines: string[]): string {
  lines.sort();
  return `${GENERATED_HEADER}\n# ${what}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function frontendText(e: ServiceEntry['frontend']): string {
  return `${formatHostPort(e.address, e.port)}/${e.protocol}`;
}

function unitLines(u: LbUnit, entries: readonly ServiceEntry[], out: string[]): void {
  const svc = u.service?.model;
  for (const f of u.frontends) {
    const mine = entries.filter((e) => e.frontend === f);
    const parts = [u.key, f.kind, frontendText(f), `service=${u.id}`, `revnat=${f.revNatId}`];
    if (mine.length === 1) parts.push(`backends=${mine[0]!.set}`);
    else for (const e of mine) parts.push(`${e.scope}=${e.set}`);
    const e = mine[0];
    if (e?.affinityTimeout !== undefined) parts.push(`affinity=${e.affinityTimeout}s`);
    if (e?.sourceRanges && svc) {
      // The frontend's own family's ranges: those are the ones its lookups match (none: it admits nobody, SY1085).
      const ranges = svc.sourceRanges.filter((c) => c.family === f.address.family);
      parts.push(`source-ranges=${ranges.length ? ranges.map((c) => c.text).join(',') : 'none'}`);
    }
    if (e?.notInCluster) parts.push('not-in-cluster');
    if (u.hostPort) {
      parts.push(`node=${u.hostPort.node}`);
      if (u.hostPort.pod) parts.push(`pod=${u.hostPort.pod}`);
    }
    out.push(parts.join(' '));
  }
}

/** One line per frontend (its scopes inline), plus a line per service with a healthCheckNodePort. */
export function servicesTable(plan: Plan): string {
  const byUnit = new Map<LbUnit, ServiceEntry[]>();
  for (const e of plan.entries) {
    const l = byUnit.get(e.unit);
    if (l) l.push(e);
    else byUnit.set(e.unit, [e]);
  }
  const lines: string[] = [];
  for (const s of plan.services) {
    if (s.healthCheckNodePort !== undefined) lines.push(`${s.key} healthCheckNodePort=${s.healthCheckNodePort}`);
    for (const u of s.units) unitLines(u, byUnit.get(u) ?? [], lines);
  }
  for (const u of plan.hostPorts) {
    const f = u.frontends[0]!;
    unitLines(u, [{ unit: u, frontend: f, scope: 'external', set: 'all', twoScopes: false, sourceRanges: false, notInCluster: false }], lines);
  }
  return table('<service port> <kind> <frontend> service=<id> revnat=<id> backends=<all|local> (or external=/internal= per scope) [flags]', lines);
}

/** The backend's protocol is its service port's, already in the line's first column. */
function backendLine(u: LbUnit, b: UnitBackend): string {
  const key = b.backend.key;
  const address = key.slice(0, key.lastIndexOf('/'));
  return `${u.key} ${address} id=${b.backend.id}${b.node !== undefined ? ` node=${b.node}` : ''}${b.terminating ? ' terminating' : ''}`;
}

/** One line per backend of each service port (and HostPort). */
export function backendsTable(plan: Plan): string {
  const lines: string[] = [];
  for (const s of plan.services) for (const u of s.units) for (const b of u.backends) lines.push(backendLine(u, b));
  for (const u of plan.hostPorts) for (const b of u.backends) lines.push(backendLine(u, b));
  return table('<service port> <backend address:port> id=<backend id> node=<node> [terminating]', lines);
}

function idList(backends: readonly UnitBackend[]): string {
  return backends.map((b) => (b.terminating ? `${b.backend.id}(terminating)` : `${b.backend.id}`)).join(',') || '-';
}

/** The entries one node holds beyond the cluster-wide tables. */
export function nodeServicesTable(nodeName: string, entries: readonly NodeEntry[]): string {
  const lines = entries.map(
    (ne) => `${ne.entry.unit.key} ${ne.entry.frontend.kind} ${frontendText(ne.entry.frontend)} scope=${ne.entry.scope} backends=${idList(ne.backends)}${ne.topology ? ` topology=${ne.topology}` : ''}`,
  );
  // The header is unchanged by topology entries (each marked topology=, see docs/generated.md):
  // every nodes/*/services.txt golden, the conformance suite's included, repeats it.
  return table(`entries node ${nodeName} holds beyond the cluster-wide tables (its backends for Local policies, its HostPorts): <service port> <kind> <frontend> scope= backends=<ids>`, lines);
}

/** The entries every node of one zone holds beyond the cluster-wide tables: zone-narrowed sets. */
export function zoneServicesTable(zone: string, entries: readonly NodeEntry[]): string {
  const lines = entries.map((ne) => `${ne.entry.unit.key} ${ne.entry.frontend.kind} ${frontendText(ne.entry.frontend)} scope=${ne.entry.scope} backends=${idList(ne.backends)}`);
  return table(
    // Its nodes are named in manifest.json, not here: adding a node to a zone leaves the zone's files alone.
    `entries every node of zone ${zone} holds beyond the cluster-wide tables (sets its zone hints narrow; a node's own entry replaces one): <service port> <kind> <frontend> scope= backends=<ids>`,
    lines,
  );
}

/** Backend shares per table, never one line per slot. */
export function maglevTable(tables: readonly MaglevTable[]): string {
  const lines = tables.map((m) => {
    const counts = new Map<number, number>();
    for (const id of m.table) counts.set(id, (counts.get(id) ?? 0) + 1);
    const shares = [...counts].sort((a, b) => a[0] - b[0]).map(([id, n]) => `${id}:${n}`);
    return `${m.unit.key} IPv${m.family} set=${m.set} slots=${m.table.length} ${shares.join(' ')}`;
  });
  return table('<service port> <family> set=<all|local> slots=<table size> <backend id>:<slots>...', lines);
}

/** Compile-time constants of one node, in a fixed order. */
export function nodeConfigText(c: NodeConfig): string {
  const d = c.datapath;
  const lines = [
    `name ${c.name}`,
    ...c.addresses.map((a) => `address ${a.text}`),
    ...c.podCIDRs.map((p) => `podCIDR ${p.text}`),
    ...c.devices.map((dev) => `device ${dev}`),
    `forwarding ${d.forwarding}`,
    `algorithm ${d.algorithm}`,
    `maglevTableSize ${d.maglevTableSize}`,
    `northSouthHook ${d.northSouthHook}`,
    `hairpin ${d.hairpin}`,
    `nodePortRange ${c.nodePortRange.min}-${c.nodePortRange.max}`,
    `affinityTimeoutSeconds ${d.affinityTimeoutSeconds}`,
    `externalIPsInCluster ${d.externalIPsInCluster}`,
  ];
  return `${GENERATED_HEADER}\n# compile-time configuration of node ${c.name}'s datapath\n${lines.join('\n')}\n`;
}
