// One document of the compact format: its cluster settings, nodes, services and hostPorts,
// added to what the other documents and files have given so far.

import type { Collected, NodeDraft } from './drafts.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import { readCompactCluster } from './read-compact-cluster.ts';
import { readCompactService } from './read-compact-service.ts';
import type { HostPortSpec } from './types.ts';

export function readCompactDocument(m: MapReader, out: Collected): void {
  const cluster = m.map('cluster');
  if (cluster) out.clusters.push(readCompactCluster(cluster));
  for (const n of m.list('nodes', readNode) ?? []) out.nodes.push(n);
  for (const s of m.list('services', readCompactService) ?? []) out.services.push(s);
  for (const h of m.list('hostPorts', readHostPort) ?? []) out.hostPorts.push(h);
  m.done();
}

function readNode(v: ValueReader): NodeDraft | undefined {
  const m = v.map();
  if (!m) return undefined;
  const name = readName(m.field('name', { required: true }), 'node');
  const node: NodeDraft = {
    at: m.at,
    pos: m.pos,
    name: name ?? '',
    addresses: m.ipList('addresses', { required: true }) ?? [],
    podCIDRs: m.cidrList('podCIDRs') ?? [],
    devices: m.list('devices', (d) => readName(d, 'device')),
    zone: readName(m.field('zone'), 'zone') || undefined,
  };
  m.done();
  return name === undefined ? undefined : node;
}

function readHostPort(v: ValueReader): HostPortSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const node = readName(m.field('node', { required: true }), 'node');
  const hostPort = m.port('hostPort', { required: true });
  const podAddress = m.ip('podAddress', { required: true });
  const podPort = m.port('podPort', { required: true });
  const hp: HostPortSpec = {
    at: m.at,
    pos: m.pos,
    node: node ?? '',
    hostIP: m.ip('hostIP'),
    hostPort: hostPort ?? 0,
    protocol: m.protocol('protocol') ?? 'TCP',
    podAddress: podAddress ?? '',
    podPort: podPort ?? 0,
    pod: m.string('pod'),
  };
  m.done();
  return node === undefined || hostPort === undefined || podAddress === undefined || podPort === undefined ? undefined : hp;
}
