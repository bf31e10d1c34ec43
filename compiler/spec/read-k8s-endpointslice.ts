// A discovery.k8s.io/v1 EndpointSlice as kube-proxy reads it: one backend per endpoint, at its
// first address (the API lets consumers ignore the others), serving exactly the ports the slice
// lists, with the endpoint's conditions, node and topology hints. It joins its service later, by
// the kubernetes.io/service-name label (assemble-spec.ts).

import { codes } from './codes.ts';
import type { Collected, SliceDraft } from './drafts.ts';
import { parseIP } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import type { Metadata } from './read-manifest.ts';
import { labelKubeProxySkips } from './proxy-labels.ts';
import { NO_HINTS, type BackendPortSpec, type BackendSpec, type EndpointHints, type Protocol } from './types.ts';

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
  const skip = labelKubeProxySkips(meta);
  if (skip) {
    // Kept, empty, so that the join can tell a service that would have taken it (assemble-spec.ts).
    slice.skippedBy = { label: skip.label, at: meta.pos[`labels.${skip.key}`] ?? meta.at };
    m.ignore('addressType', 'endpoints', 'ports');
    out.slices.push(slice);
    return;
  }
  const addressType = m.oneOf('addressType', ['IPv4', 'IPv6', 'FQDN'] as const, { required: true });
  if (addressType === 'FQDN') {
    m.ctx.diags.report(codes.SY1065, `EndpointSlice ${meta.namespace}/${meta.name} lists FQDN endpoints, which a BPF datapath cannot balance; skipped`, m.pos['addressType']!);
    m.ignore('endpoints', 'ports');
    return;
  }
  const family = addressType === 'IPv6' ? 6 : 4;
  // Absent, null and [] alike: a slice without ports gives its endpoints no port to serve.
  const ports = m.list('ports', readPort)?.filter((p): p is BackendPortSpec => p !== null) ?? [];
  m.list('endpoints', (v) => {
    const b = readEndpoint(v, ports, family, meta.name);
    if (b) slice.backends.push(b);
    return undefined;
  });
  out.slices.push(slice);
}

/** A port, null when kube-proxy would skip it (with a warning), undefined when it is broken. */
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
  const portField = m.field('port');
  const port = portField?.port();
  const nameField = m.field('name');
  const name = nameField?.string();
  m.ignore('appProtocol');
  m.done();
  if (protocol === undefined) return null;
  // The controller always writes both (name "" for an unnamed service port); kube-proxy skips a
  // port without a name, and one without a number (which the API reserves for "all ports").
  if (!nameField) {
    v.report(codes.SY1068, 'this port has no name, so it matches no service port; kube-proxy skips it, and so does Switchyard', [
      'write name: "" for the service\'s unnamed port, or the service port\'s name',
    ]);
    return null;
  }
  if (!portField) {
    v.report(codes.SY1068, 'this port has no number ("all ports"), which kube-proxy cannot program; it is skipped', ['give the port its number']);
    return null;
  }
  return port === undefined || name === undefined ? undefined : { name, protocol, port };
}

function readEndpoint(v: ValueReader, ports: BackendPortSpec[], family: 4 | 6, slice: string): BackendSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
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
  const hints = readHints(m);
  const addresses = m.field('addresses', { required: true })?.list((a) => a);
  m.ignore('hostname', 'targetRef', 'zone', 'deprecatedTopology');
  m.done();
  if (!addresses) return undefined;
  if (addresses.length === 0) {
    v.report(codes.SY1011, 'an endpoint needs at least one address');
    return undefined;
  }
  if (addresses.length > 1) {
    addresses[1]!.report(codes.SY1069, `only the endpoint's first address (${addresses[0]!.string() ?? '?'}) is a backend; kube-proxy ignores the others, and so does Switchyard`, [
      'give each address an endpoint of its own if each should take traffic',
    ]);
  }
  const first = addresses[0]!;
  const address = first.ip();
  if (address === undefined) return undefined;
  if (parseIP(address).value!.family !== family) {
    return first.report(codes.SY1042, `${address} is not an IPv${family} address, but the slice's addressType is IPv${family}`);
  }
  const pos: BackendSpec['pos'] = { address: first.range };
  if (nodeField) pos['node'] = nodeField.range;
  return { at: m.at, pos, address, node, ports: ports.map((p) => ({ ...p })), ready, serving, terminating, slice, hints };
}

/** `hints.forZones[].name` and `hints.forNodes[].name`; a missing or empty list is no hint. */
function readHints(m: MapReader): EndpointHints {
  const h = m.map('hints');
  if (!h) return NO_HINTS;
  const hints = { forZones: [] as string[], forNodes: [] as string[] };
  for (const key of ['forZones', 'forNodes'] as const) {
    h.list(key, (item) => {
      const im = item.map();
      const name = im?.string('name', { required: true });
      im?.done();
      if (name) hints[key].push(name);
      return undefined;
    });
  }
  h.done();
  return hints;
}
