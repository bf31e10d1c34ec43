// A discovery.k8s.io/v1 EndpointSlice: one backend per endpoint address, with the slice's ports
// and the endpoint's conditions and node. It joins its service later, by the
// kubernetes.io/service-name label (assemble-spec.ts).

import { codes } from './codes.ts';
import type { Collected, SliceDraft } from './drafts.ts';
import { parseIP } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import type { Metadata } from './read-manifest.ts';
import type { BackendPortSpec, BackendSpec, Protocol } from './types.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function readK8sEndpointSlice(m: MapReader, meta: Metadata, out: Collected): void {
  const slice: SliceDraft = {
    at: meta.at,
    pos: {},
    name: meta.name,
    namespace: meta.namespace,
    service: meta.labels[SERVICE_NAME_LABEL],
    backends: [],
  };
  if (slice.service !== undefined) slice.pos['service'] = meta.pos[`labels.${SERVICE_NAME_LABEL}`]!;
  const addressType = m.oneOf('addressType', ['IPv4', 'IPv6', 'FQDN'] as const, { required: true });
  if (addressType === 'FQDN') {
    m.ctx.diags.report(codes.SY1065, `EndpointSlice ${meta.namespace}/${meta.name} lists FQDN endpoints, which a BPF datapath cannot balance; skipped`, m.pos['addressType']!);
    m.ignore('endpoints', 'ports');
    return;
  }
  const family = addressType === 'IPv6' ? 6 : 4;
  const ports = m.list('ports', readPort)?.filter((p): p is BackendPortSpec => p !== null) ?? [];
  m.list('endpoints', (v) => {
    readEndpoint(v, ports, family, slice.backends);
    return undefined;
  });
  out.slices.push(slice);
}

/** A port, null when it is SCTP (skipped with a warning), undefined when it is broken. */
function readPort(v: ValueReader): BackendPortSpec | null | undefined {
  const m = v.map();
  if (!m) return undefined;
  const protoField = m.field('protocol');
  let protocol: Protocol | undefined = 'TCP';
  if (protoField?.string() === 'SCTP') {
    protoField.report(codes.SY1066, 'SCTP is not supported by the datapath; this port is skipped');
    protocol = undefined;
  } else if (protoField) {
    protocol = protoField.protocol();
  }
  const port = m.port('port', { required: true });
  const name = m.string('name') ?? '';
  m.ignore('appProtocol');
  m.done();
  if (protocol === undefined) return null;
  return port === undefined ? undefined : { name, protocol, port };
}

function readEndpoint(v: ValueReader, ports: BackendPortSpec[], family: 4 | 6, into: BackendSpec[]): void {
  const m = v.map();
  if (!m) return;
  const conditions = m.map('conditions');
  // The API's rules for unset conditions: ready and serving true, terminating false. (Older API
  // docs said an unset serving defers to ready; the EndpointSlice controller always sets it, so
  // the two readings differ only for slices made by hand.)
  const ready = conditions?.boolean('ready') ?? true;
  const serving = conditions?.boolean('serving') ?? true;
  const terminating = conditions?.boolean('terminating') ?? false;
  conditions?.done();
  const nodeField = m.field('nodeName');
  const node = readName(nodeField, 'node');
  m.field('addresses', { required: true })?.list((a) => {
    const address = a.ip();
    if (address === undefined) return undefined;
    if (parseIP(address).value!.family !== family) {
      return a.report(codes.SY1042, `${address} is not an IPv${family} address, but the slice's addressType is IPv${family}`);
    }
    const pos: BackendSpec['pos'] = { address: a.range };
    if (nodeField) pos['node'] = nodeField.range;
    into.push({ at: m.at, pos, address, node, ports: ports.map((p) => ({ ...p })), ready, serving, terminating });
    return undefined;
  });
  m.ignore('hostname', 'targetRef', 'zone', 'hints', 'deprecatedTopology');
  m.done();
}
