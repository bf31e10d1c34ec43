// A v1 Node: its name, its InternalIP and ExternalIP addresses from status.addresses, its pod
// CIDRs from spec, and its zone from the topology.kubernetes.io/zone label (for topology hints).
// Devices are not in the API; nodes take the cluster's default devices.

import { codes } from './codes.ts';
import { isValidName, readName } from './names.ts';
import type { Collected, NodeDraft } from './drafts.ts';
import type { MapReader } from './map-reader.ts';
import type { Metadata } from './read-manifest.ts';

/** The address types that reach the node; Hostname and the DNS types are names, not addresses. */
const ADDRESS_TYPES = ['InternalIP', 'ExternalIP'];

/** The well-known label kube-proxy matches endpoint zone hints against. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export function readK8sNode(m: MapReader, meta: Metadata, out: Collected): void {
  const node: NodeDraft = { at: meta.at, pos: {}, name: meta.name, addresses: [], podCIDRs: [] };
  node.pos['name'] = meta.at;
  // An empty label is no zone: kube-proxy then uses every endpoint.
  const zone = meta.labels[ZONE_LABEL];
  if (zone) {
    // The API server admits only label values; a hand-written file may hold anything, and the
    // zone names a directory of the output.
    if (!isValidName('zone', zone)) readName(m.map('metadata')?.map('labels')?.field(ZONE_LABEL), 'zone');
    node.zone = zone;
    node.pos['zone'] = meta.pos[`labels.${ZONE_LABEL}`]!;
  }

  const spec = m.map('spec');
  if (spec) {
    // podCIDRs supersedes podCIDR, which kubectl still prints as podCIDRs[0].
    if (spec.has('podCIDRs')) {
      node.podCIDRs = spec.cidrList('podCIDRs') ?? [];
      node.podCIDRs.forEach((_, i) => (node.pos[`podCIDRs.${i}`] = spec.pos[`podCIDRs.${i}`]!));
      spec.ignore('podCIDR');
    } else {
      const one = spec.cidr('podCIDR');
      if (one !== undefined) {
        node.podCIDRs = [one];
        node.pos['podCIDRs.0'] = spec.pos['podCIDR']!;
      }
    }
    node.pos['podCIDRs'] = spec.at;
    spec.ignore('providerID', 'taints', 'unschedulable', 'configSource', 'externalID');
    spec.done();
  }

  const status = m.map('status');
  status?.list('addresses', (item) => {
    const a = item.map();
    if (!a) return undefined;
    const type = a.string('type', { required: true });
    const field = a.field('address', { required: true });
    a.done();
    if (type === undefined || !ADDRESS_TYPES.includes(type) || !field) return undefined;
    const ip = field.ip();
    if (ip !== undefined && !node.addresses.includes(ip)) {
      node.pos[`addresses.${node.addresses.length}`] = field.range;
      node.addresses.push(ip);
    }
    return undefined;
  });
  status?.ignoreRest();
  status?.done();

  if (node.addresses.length === 0) {
    m.ctx.diags.report(codes.SY1011, `Node ${meta.name}: status.addresses lists no InternalIP or ExternalIP`, status?.at ?? meta.at, [
      'add the node\'s addresses to status.addresses, or describe the node in the compact format',
    ]);
  }
  out.nodes.push(node);
}
