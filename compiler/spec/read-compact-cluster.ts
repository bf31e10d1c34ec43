// The compact format's `cluster:` document: name, service CIDRs, NodePort range, load-balancer
// pools, datapath options and map sizes, with the defaults of defaults.ts filled in.

import { codes } from './codes.ts';
import { quote } from './quote.ts';
import type { ClusterDraft } from './drafts.ts';
import {
  DEFAULT_DATAPATH, DEFAULT_DEVICES, DEFAULT_MAPS, DEFAULT_NODE_PORT_RANGE, MAGLEV_TABLE_MAX, MAGLEV_TABLE_MIN,
  MAX_AFFINITY_TIMEOUT, MAX_MAP_ENTRIES, isPrime,
} from './defaults.ts';
import { formatIP, parseCIDR, parseSpan } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import type { ClusterSpec, DatapathOptions, MapSizes, PoolSpec } from './types.ts';

export function readCompactCluster(m: MapReader): ClusterDraft {
  const name = readName(m.field('name', { required: true }), 'cluster') ?? '';
  const serviceCIDRs = readServiceCIDRs(m);
  const nodePortRange = readNodePortRange(m.field('nodePortRange'));
  const loadBalancerPools = m.list('loadBalancerPools', readPool) ?? [];
  const loadBalancerClass = m.string('loadBalancerClass');
  const dp = m.map('datapath');
  const datapath = dp ? readDatapath(dp) : { ...DEFAULT_DATAPATH };
  const devices = dp?.list('devices', (v) => readName(v, 'device')) ?? [...DEFAULT_DEVICES];
  dp?.done();
  const mm = m.map('maps');
  const maps = mm ? readMaps(mm) : { ...DEFAULT_MAPS };
  m.done();
  return {
    cluster: { at: m.at, pos: m.pos, name, serviceCIDRs, nodePortRange, loadBalancerPools, ...(loadBalancerClass !== undefined && { loadBalancerClass }), datapath, maps },
    devices,
  };
}

function readServiceCIDRs(m: MapReader): ClusterSpec['serviceCIDRs'] {
  const c = m.map('serviceCIDRs', { required: true });
  if (!c) return {};
  const out: ClusterSpec['serviceCIDRs'] = {};
  for (const [key, family] of [['v4', 4], ['v6', 6]] as const) {
    const v = c.field(key);
    const text = v?.cidr();
    if (v === undefined || text === undefined) continue;
    if (parseCIDR(text).value!.family !== family) {
      v.report(codes.SY1021, `${text} is not an IPv${family} CIDR; put it under ${family === 4 ? 'v6' : 'v4'}`);
      continue;
    }
    out[key] = text;
    // The cluster's pos keeps these for "clusterIP outside the service CIDR" notes.
    m.pos[`serviceCIDRs.${key}`] = v.range;
  }
  if (!c.has('v4') && !c.has('v6')) {
    m.ctx.diags.report(codes.SY1011, 'cluster.serviceCIDRs: give at least one of "v4" and "v6"', c.at);
  }
  c.done();
  return out;
}

function readNodePortRange(v: ValueReader | undefined): ClusterSpec['nodePortRange'] {
  const fallback = { ...DEFAULT_NODE_PORT_RANGE };
  const s = v?.string();
  if (!v || s === undefined) return fallback;
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(s);
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max > 65535 || min > max) {
    v.report(codes.SY1025, `${quote(s)} is not a port range; write it as min-max within 1-65535, e.g. 30000-32767`);
    return fallback;
  }
  return { min, max };
}

function readPool(v: ValueReader): PoolSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const name = readName(m.field('name', { required: true }), 'pool') ?? '';
  const addresses = m.list('addresses', readPoolEntry, { required: true }) ?? [];
  const isDefault = m.boolean('default') ?? false;
  m.done();
  return { at: m.at, pos: m.pos, name, addresses, default: isDefault };
}

/** A pool entry in canonical text: `10.3.0.0/24` or `10.3.0.10-10.3.0.20`. */
export function readPoolEntry(v: ValueReader): string | undefined {
  const s = v.string();
  if (s === undefined) return undefined;
  if (s.includes('/')) return v.cidr();
  const p = parseSpan(s.trim());
  if (p.error !== undefined) return v.report(codes.SY1024, `${quote(s)} is not a CIDR or address range: ${p.error}`);
  const { family, first, last } = p.value;
  return `${formatIP({ family, value: first })}-${formatIP({ family, value: last })}`;
}

function readDatapath(m: MapReader): DatapathOptions {
  const d = DEFAULT_DATAPATH;
  const maglev = m.field('maglevTableSize');
  let maglevTableSize = maglev?.integer(MAGLEV_TABLE_MIN, MAGLEV_TABLE_MAX);
  if (maglev && maglevTableSize !== undefined && !isPrime(maglevTableSize)) {
    maglev.report(codes.SY1050, `${maglevTableSize} is not prime; Maglev needs a prime table size, e.g. 16381 or 65521`);
    maglevTableSize = undefined;
  }
  return {
    forwarding: m.oneOf('forwarding', ['snat', 'dsr']) ?? d.forwarding,
    algorithm: m.oneOf('algorithm', ['random', 'maglev']) ?? d.algorithm,
    maglevTableSize: maglevTableSize ?? d.maglevTableSize,
    northSouthHook: m.oneOf('northSouthHook', ['tc', 'xdp']) ?? d.northSouthHook,
    hairpin: m.boolean('hairpin') ?? d.hairpin,
    affinityTimeoutSeconds: m.integer('affinityTimeoutSeconds', 1, MAX_AFFINITY_TIMEOUT) ?? d.affinityTimeoutSeconds,
    externalIPsInCluster: m.boolean('externalIPsInCluster') ?? d.externalIPsInCluster,
  };
}

function readMaps(m: MapReader): MapSizes {
  const out = { ...DEFAULT_MAPS };
  for (const key of Object.keys(DEFAULT_MAPS) as (keyof MapSizes)[]) {
    out[key] = m.integer(key, 1, MAX_MAP_ENTRIES) ?? DEFAULT_MAPS[key];
  }
  m.done();
  return out;
}
