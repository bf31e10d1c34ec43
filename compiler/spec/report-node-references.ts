// References to nodes: a backend's or hostPort's node must exist, a hostIP must be one of its
// node's addresses, and a pod address should lie in its node's pod CIDRs (a warning: pods on the
// host network use the node's own address, and some CNIs allocate outside spec.podCIDRs).

import type { Diagnostics, SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { didYouMean } from './did-you-mean.ts';
import { familyName, parseCIDR, parseIP, spanContains, type CIDR } from './ip.ts';
import { rangeOf, type NodeSpec } from './types.ts';

export const reportNodeReferences: SpecCheck = (spec, diags) => {
  const nodes = new Map(spec.nodes.map((n) => [n.name, n]));
  const names = [...nodes.keys()];
  const unknown = (name: string) => didYouMean(name, names) ?? [`declared nodes: ${names.join(', ') || 'none'}`];

  for (const s of spec.services) {
    for (const b of s.backends) {
      if (b.node === undefined) continue;
      const node = nodes.get(b.node);
      if (!node) {
        diags.report(codes.SY1044, `service ${s.namespace}/${s.name}: backend ${b.address} is on node ${b.node}, which is not declared`, rangeOf(b, 'node'), unknown(b.node));
        continue;
      }
      reportOutsidePodCIDRs(diags, `service ${s.namespace}/${s.name}: backend`, b.address, node, rangeOf(b, 'address'));
    }
  }

  for (const h of spec.hostPorts) {
    const node = nodes.get(h.node);
    if (!node) {
      diags.report(codes.SY1045, `hostPort ${h.hostPort}/${h.protocol}: node ${h.node} is not declared`, rangeOf(h, 'node'), unknown(h.node));
      continue;
    }
    const pod = parseIP(h.podAddress).value;
    if (h.hostIP !== undefined) {
      const host = parseIP(h.hostIP).value;
      if (!node.addresses.includes(h.hostIP)) {
        diags.report(codes.SY1053, `hostPort ${h.hostPort}/${h.protocol}: hostIP ${h.hostIP} is not an address of node ${h.node}`, rangeOf(h, 'hostIP'), [
          `node ${h.node} has ${node.addresses.join(', ')}; use one of them, or leave hostIP out for all of them`,
        ]);
      } else if (host && pod && host.family !== pod.family) {
        diags.report(codes.SY1042, `hostPort ${h.hostPort}/${h.protocol}: hostIP ${h.hostIP} is ${familyName(host.family)} but podAddress ${h.podAddress} is ${familyName(pod.family)}`, rangeOf(h, 'podAddress'), [
          'a hostPort maps addresses of one family; add one entry per family',
        ]);
      }
    }
    reportOutsidePodCIDRs(diags, `hostPort ${h.hostPort}/${h.protocol}: pod`, h.podAddress, node, rangeOf(h, 'podAddress'));
  }
};

/** Each node's pod CIDRs parsed once, not once per backend. */
const parsedPodCIDRs = new WeakMap<NodeSpec, CIDR[]>();

function reportOutsidePodCIDRs(diags: Diagnostics, what: string, address: string, node: NodeSpec, at: SourceRange): void {
  const ip = parseIP(address).value;
  if (!ip || node.addresses.includes(address)) return;
  let all = parsedPodCIDRs.get(node);
  if (!all) parsedPodCIDRs.set(node, (all = node.podCIDRs.map((c) => parseCIDR(c).value!)));
  const cidrs = all.filter((c) => c.family === ip.family);
  // A node that declares no pod CIDR of this family says nothing about where its pods live.
  if (cidrs.length === 0 || cidrs.some((c) => spanContains(c, ip))) return;
  diags.report(codes.SY1046, `${what} ${address} is outside the pod CIDRs of node ${node.name} (${node.podCIDRs.join(', ')})`, at, [
    'check the node the pod runs on; this is fine for CNIs that allocate outside spec.podCIDRs',
  ]);
}
