// What /metrics shows, as families for exposition.ts: the agent's own counters (applies,
// failures by reason, durations, verifier refusals, what is applied) and the node's live maps
// (per-service counters from the per-CPU lb_stats map, summed over the CPUs; every map's fill).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapValueBtf } from '../artifact-btf.ts';
import { btfType, skipModifiers } from '../../format/btf-read.ts';
import { LiveMap } from '../map.ts';
import { sumOverCpus } from '../percpu-sum.ts';
import { fromPinSafe } from '../pins.ts';
import type { Agent } from './agent.ts';
import type { Family } from './exposition.ts';

/** The lb_stats fields shown, by their BTF member names, and the metric each becomes. */
const SERVICE_COUNTERS = [
  { field: 'translations', name: 'switchyard_service_translations_total', help: 'Connections (socket LB) or flows (tc/XDP) sent to a backend, per service port.' },
  { field: 'no_backend', name: 'switchyard_service_drops_total', help: 'Connections or packets refused because the service port had no backend.' },
  { field: 'packets', name: 'switchyard_service_packets_total', help: 'North-south packets forwarded, per service port.' },
  { field: 'bytes', name: 'switchyard_service_bytes_total', help: 'North-south bytes forwarded, per service port.' },
  { field: 'snat_full', name: 'switchyard_service_snat_full_drops_total', help: 'North-south new flows dropped because no SNAT port toward their backend was free, per service port.' },
] as const;

const STATS_MAP = 'lb_stats';

/** service id → service port name (`default/web:http/TCP`), from the applied services.txt. */
const namesCache = new Map<string, Map<number, string>>();
function serviceNames(target: string): Map<number, string> {
  const cached = namesCache.get(target);
  if (cached) return cached;
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(join(target, 'services.txt'), 'utf8').split('\n')) {
      const m = /^(\S+) \S+ \S+ service=(\d+) /.exec(line);
      if (m) names.set(Number(m[2]), m[1]!);
    }
    namesCache.clear();
    namesCache.set(target, names);
  } catch {
    // the revision's directory is gone (git-sync prunes old worktrees): ids only
  }
  return names;
}

function serviceFamilies(agent: Agent): Family[] {
  const families: Family[] = SERVICE_COUNTERS.map((c) => ({ name: c.name, help: c.help, type: 'counter', samples: [] }));
  let m: LiveMap | undefined;
  try {
    m = LiveMap.openPinned(agent.pins.map(STATS_MAP), STATS_MAP);
  } catch {
    return families; // not applied yet, or an object without counters
  }
  try {
    const typed = mapValueBtf(m, STATS_MAP, agent.applied && { dir: agent.applied.target, node: agent.pins.node });
    if (!typed) return families;
    const { btf, valueTypeId } = typed;
    const value = btfType(btf, skipModifiers(btf, valueTypeId));
    if (value.kind !== 'STRUCT') return families;
    const offsets = new Map(value.members.map((x) => [x.name, x.bitOffset / 8]));
    const names = agent.applied ? serviceNames(agent.applied.target) : new Map<number, string>();
    const all = m.readAll();
    const rows: Array<{ id: number; sums: Uint8Array }> = [];
    for (let i = 0; i < all.count; i++) {
      const key = all.keys.subarray(i * m.keySize, (i + 1) * m.keySize);
      const sums = sumOverCpus(m, btf, valueTypeId, key);
      if (sums) rows.push({ id: new DataView(key.buffer, key.byteOffset).getUint32(0, true), sums });
    }
    rows.sort((a, b) => a.id - b.id);
    SERVICE_COUNTERS.forEach((c, i) => {
      const off = offsets.get(c.field);
      if (off === undefined) return;
      for (const r of rows) {
        const v = new DataView(r.sums.buffer, r.sums.byteOffset).getBigUint64(off, true);
        families[i]!.samples.push({ labels: { service: names.get(r.id) ?? `id ${r.id}`, service_id: String(r.id) }, value: Number(v) });
      }
    });
  } finally {
    m.close();
  }
  return families;
}

function mapFamilies(agent: Agent): Family[] {
  const entries: Family = { name: 'switchyard_map_entries', help: 'Entries in each pinned map (arrays: entries that are not all zero).', type: 'gauge', samples: [] };
  const max: Family = { name: 'switchyard_map_max_entries', help: 'max_entries of each pinned map.', type: 'gauge', samples: [] };
  const fill: Family = { name: 'switchyard_map_fill_ratio', help: 'Entries over max_entries: a hash map near 1 refuses new entries.', type: 'gauge', samples: [] };
  const pins = agent.pins;
  for (const pin of pins.list(pins.mapsDir)) {
    const name = fromPinSafe(pin);
    if (name.endsWith('@next')) continue;
    let m: LiveMap | undefined;
    try {
      m = LiveMap.openPinned(`${pins.mapsDir}/${pin}`, name);
      if (!m.listable) continue; // socket-local storage: no count to give, no capacity to fill
      const all = m.readAll();
      let n = all.count;
      if (m.isArray) {
        n = 0;
        for (let i = 0; i < all.count; i++) if (all.values.subarray(i * m.valueSize, (i + 1) * m.valueSize).some((b) => b !== 0)) n++;
      }
      const labels = { map: name };
      entries.samples.push({ labels, value: n });
      max.samples.push({ labels, value: m.maxEntries });
      fill.samples.push({ labels, value: m.maxEntries ? n / m.maxEntries : 0 });
    } catch {
      // a map replaced under us between list and open: the next scrape sees the new one
    } finally {
      m?.close();
    }
  }
  return [entries, max, fill];
}

function agentFamilies(agent: Agent): Family[] {
  const a = agent.applied;
  const ready = agent.readiness().ready;
  return [
    { name: 'switchyard_applies_total', help: 'Applies attempted (revisions that reached the kernel side), successful or not.', type: 'counter', samples: [{ value: agent.applies }] },
    {
      name: 'switchyard_apply_failures_total',
      help: 'Revisions not applied, by reason: unreadable, artifacts (sha256 mismatch, incomplete), downgrade, verifier, kernel-verifier, map-capacity, other.',
      type: 'counter',
      samples: [...agent.failures].map(([reason, value]) => ({ labels: { reason }, value })),
    },
    { name: 'switchyard_verifier_refusals_total', help: 'Objects refused by a verifier: wasm (the WebAssembly pre-check) or kernel.', type: 'counter', samples: [{ labels: { verifier: 'wasm' }, value: agent.refusals.wasm }, { labels: { verifier: 'kernel' }, value: agent.refusals.kernel }] },
    { name: 'switchyard_apply_duration_seconds', help: 'Time an apply took, successful or not.', type: 'histogram', samples: [], histograms: [{ histogram: agent.durations }] },
    {
      name: 'switchyard_applied_info',
      help: 'What is applied: cluster, manifest sha256 and generation as labels; always 1.',
      type: 'gauge',
      samples: a ? [{ labels: { node: agent.pins.node, cluster: a.cluster, manifest: a.manifest, generation: a.generation === undefined ? '' : String(a.generation), dir: a.target }, value: 1 }] : [],
    },
    { name: 'switchyard_applied_generation', help: 'The generation of the applied manifest (0: none applied, or a manifest without one).', type: 'gauge', samples: [{ value: a?.generation ?? 0 }] },
    { name: 'switchyard_last_apply_success_timestamp_seconds', help: 'When the applied revision was applied (Unix time).', type: 'gauge', samples: a ? [{ value: a.at.getTime() / 1000 }] : [] },
    { name: 'switchyard_ready', help: '1 when the last apply succeeded and its links are attached (as /readyz).', type: 'gauge', samples: [{ value: ready ? 1 : 0 }] },
  ];
}

export function nodeFamilies(agent: Agent): Family[] {
  return [...agentFamilies(agent), ...serviceFamilies(agent), ...mapFamilies(agent)];
}
