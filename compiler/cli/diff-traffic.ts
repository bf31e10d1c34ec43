// `switchyard diff --traffic`: for every service that changed between the two sides, a seeded
// sample of flows to each of its frontends, entering each node, runs through both sides' compiled
// objects in WebAssembly (simulate/traffic/), and the report says how the outcomes move. A side
// compiled from specs in memory is written to a temporary directory for the simulator.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TraceCluster } from '../../simulate/trace/cluster.ts';
import { compareTraffic, trafficNotes, trafficText, type FrontendTraffic } from '../../simulate/traffic/report.ts';
import { runSample } from '../../simulate/traffic/run.ts';
import { sampleFlows, type FlowPlan, type Frontend } from '../../simulate/traffic/sample.ts';
import { table } from '../emit/diff-markdown.ts';
import type { ServiceView } from '../emit/table-view.ts';
import type { SideCluster } from './diff.ts';

export interface TrafficOptions {
  flows: number;
  seed: number;
}

export interface ClusterTraffic {
  cluster: string;
  rows: FrontendTraffic[];
}

/** A service's view as a comparable string: its frontends, attributes and backends, sorted. */
function viewKey(v: ServiceView | undefined): string {
  if (!v) return '';
  const backends = [...v.backends].map(([k, list]) => [k, list.map((b) => `${b.address} ${b.attrs}`).sort()]).sort();
  return JSON.stringify([v.frontends.map((f) => `${f.kind} ${f.address} ${f.attrs}`).sort(), [...v.attrs].sort(), backends]);
}

/** The frontends of every service that differs between the sides, once each. */
export function changedFrontends(before: Map<string, ServiceView>, after: Map<string, ServiceView>): Frontend[] {
  const out = new Map<string, Frontend>();
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    if (viewKey(before.get(key)) === viewKey(after.get(key))) continue;
    for (const v of [before.get(key), after.get(key)]) for (const f of v?.frontends ?? []) out.set(`${f.kind} ${f.address}`, { service: key, kind: f.kind, address: f.address });
  }
  return [...out.values()];
}

function materialise(side: SideCluster, name: string, temps: string[]): string {
  if (side.dir) return side.dir;
  const root = mkdtempSync(join(tmpdir(), 'sy-traffic-'));
  temps.push(root);
  for (const [file, bytes] of side.files ?? []) {
    mkdirSync(dirname(join(root, name, file)), { recursive: true });
    writeFileSync(join(root, name, file), bytes);
  }
  return join(root, name);
}

export async function clusterTraffic(name: string, before: SideCluster, after: SideCluster, o: TrafficOptions): Promise<ClusterTraffic> {
  const frontends = changedFrontends(before.tables, after.tables);
  if (!frontends.length) return { cluster: name, rows: [] };
  const temps: string[] = [];
  try {
    const oldDir = materialise(before, name, temps);
    const newDir = materialise(after, name, temps);
    // Entry nodes: the new side's, each with its addresses (for wildcard frontends).
    const nodes = [...TraceCluster.open(newDir).nodes.values()].map((n) => ({ name: n.config.name, addresses: n.config.addresses }));
    const plans: FlowPlan[] = [];
    for (const f of frontends) {
      for (const n of nodes) {
        const plan = sampleFlows(f, n, o.flows, o.seed);
        if (plan) plans.push(plan);
      }
    }
    const old = await runSample(oldDir, plans, o.seed);
    const now = await runSample(newDir, plans, o.seed);
    return { cluster: name, rows: compareTraffic(plans, old, now) };
  } finally {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
}

export function trafficLines(c: ClusterTraffic, o: TrafficOptions): string[] {
  return trafficText(c.rows, o.flows, o.seed);
}

export function trafficMarkdown(clusters: readonly ClusterTraffic[], o: TrafficOptions): string {
  const out = ['## Traffic', '', `${o.flows} simulated flows per changed frontend and entry node (seed ${o.seed}), run through both outputs in WebAssembly.`, ''];
  for (const c of clusters) {
    const rows = c.rows.filter((r) => trafficNotes(r).length);
    out.push(`### \`${c.cluster}\``, '');
    if (!rows.length) {
      out.push(c.rows.length ? `No flow changes outcome (${c.rows.length} frontend × node samples).` : 'No frontend changed.', '');
      continue;
    }
    table(
      out,
      ['service', 'frontend', 'entry node', 'backend moves', 'drops', 'change'],
      rows.map((r) => [`\`${r.service}\``, `\`${r.frontend}\``, r.node, r.kept ? `${r.moved}/${r.kept}` : '-', `${r.dropsBefore} → ${r.dropsAfter}`, trafficNotes(r).join('; ')]),
      'frontend sample',
    );
  }
  return out.join('\n');
}
