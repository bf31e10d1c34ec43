// A v1 Pod, for its hostPorts only: each container port with a hostPort becomes a mapping from
// the pod's node to the pod's address (one per address family). Everything else in a pod is
// accepted unread: the Pod API is large and none of it changes the datapath.

import { codes } from './codes.ts';
import type { Collected } from './drafts.ts';
import { parseIP } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import type { Metadata } from './read-manifest.ts';
import type { HostPortSpec, Protocol } from './types.ts';

interface ContainerPort {
  v: ValueReader;
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
  hostIP?: string;
  pos: HostPortSpec['pos'];
}

export function readK8sPod(m: MapReader, meta: Metadata, out: Collected): void {
  const pod = `${meta.namespace}/${meta.name}`;
  const spec = m.map('spec', { required: true });
  const status = m.map('status');
  if (!spec) return;
  const hostNetwork = spec.boolean('hostNetwork') ?? false;
  const nodeField = spec.field('nodeName');
  const node = readName(nodeField, 'node');
  const published: ContainerPort[] = [];
  spec.list('containers', (c) => {
    const cm = c.map();
    cm?.list('ports', (p) => {
      const port = readContainerPort(p);
      if (port) published.push(port);
      return undefined;
    });
    cm?.ignoreRest();
    cm?.done();
    return undefined;
  });
  spec.ignoreRest();
  spec.done();

  const phase = status?.string('phase');
  const podIPs: string[] = [];
  const podIPAt: Record<string, ValueReader> = {};
  if (status) {
    const addIP = (v: ValueReader | undefined) => {
      const ip = v?.ip();
      if (ip !== undefined && v && !podIPs.includes(ip)) {
        podIPs.push(ip);
        podIPAt[ip] = v;
      }
    };
    addIP(status.field('podIP'));
    status.list('podIPs', (item) => {
      const im = item.map();
      addIP(im?.field('ip'));
      im?.done();
      return undefined;
    });
    status.ignoreRest();
    status.done();
  }

  // A host-network pod listens on the node itself: its hostPort needs no translation.
  if (hostNetwork || published.length === 0) return;
  const skip = node === undefined ? 'is not scheduled to a node (no spec.nodeName)'
    : phase === 'Succeeded' || phase === 'Failed' ? `has finished (phase ${phase})`
    : podIPs.length === 0 ? 'has no address yet (no status.podIP)'
    : undefined;
  if (skip) {
    for (const p of published) p.v.report(codes.SY1067, `hostPort ${p.hostPort} is skipped: the pod ${skip}`);
    return;
  }
  for (const p of published) {
    const hostFamily = p.hostIP && parseIP(p.hostIP).value?.family;
    for (const podAddress of podIPs) {
      if (hostFamily && parseIP(podAddress).value?.family !== hostFamily) continue;
      out.hostPorts.push({
        at: p.v.range,
        pos: { ...p.pos, node: nodeField!.range, podAddress: podIPAt[podAddress]!.range },
        node: node!,
        hostIP: p.hostIP,
        hostPort: p.hostPort,
        protocol: p.protocol,
        podAddress,
        podPort: p.containerPort,
        pod,
      });
    }
  }
}

function readContainerPort(v: ValueReader): ContainerPort | undefined {
  const m = v.map();
  if (!m) return undefined;
  const containerPort = m.port('containerPort', { required: true });
  const hostPort = m.port('hostPort');
  const protoField = m.field('protocol');
  const isSCTP = protoField?.string() === 'SCTP';
  const protocol = isSCTP ? undefined : protoField ? protoField.protocol() : 'TCP';
  const hostIPField = m.field('hostIP');
  let hostIP = hostIPField?.ip();
  // Kubernetes writes "every address" as the unspecified address.
  if (hostIP === '0.0.0.0' || hostIP === '::') hostIP = undefined;
  m.ignore('name');
  m.done();
  if (hostPort === undefined) return undefined;
  if (isSCTP) {
    protoField!.report(codes.SY1066, 'SCTP is not supported by the datapath; this hostPort is skipped');
    return undefined;
  }
  if (containerPort === undefined || protocol === undefined) return undefined;
  return { v, hostPort, containerPort, protocol, hostIP, pos: { ...m.pos, podPort: m.pos['containerPort']! } };
}
