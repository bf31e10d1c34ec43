// The fix for a spec without cluster settings, spelled out: Kubernetes manifests do not carry the
// service CIDRs, so rather than guess a range silently, SY1035 prints the document to add, with
// CIDRs that cover the clusterIPs it has seen (the user checks them against the real cluster).

import { basename, dirname, extname } from 'node:path';
import type { Collected } from './drafts.ts';
import { coveringCIDR, formatCIDR, parseCIDR, parseIP, type IP } from './ip.ts';

/** The ServiceCIDR object kube-apiserver creates from its --service-cluster-ip-range. */
const DEFAULT_SERVICE_CIDR_OBJECT = 'kubernetes';

export function missingClusterNotes(c: Collected): string[] {
  const seen: Record<4 | 6, IP[]> = { 4: [], 6: [] };
  for (const s of c.services) {
    for (const text of s.clusterIPs) {
      const ip = parseIP(text).value;
      if (ip) seen[ip.family].push(ip);
    }
  }
  // The API server's own range when the inputs hold its ServiceCIDR object (Kubernetes 1.33+
  // names it "kubernetes"); else Kubernetes' defaults (10.96.0.0/12, and a /112 for IPv6) when no
  // clusterIP gives a hint.
  const own = c.serviceCIDRObjects.find((o) => o.name === DEFAULT_SERVICE_CIDR_OBJECT)?.cidrs;
  const ofFamily = (f: 4 | 6) => own?.find((cidr) => parseCIDR(cidr).value?.family === f);
  const v4 = own ? ofFamily(4) : seen[4].length ? formatCIDR(coveringCIDR(seen[4], 16)!) : seen[6].length ? undefined : '10.96.0.0/12';
  const v6 = own ? ofFamily(6) : seen[6].length ? formatCIDR(coveringCIDR(seen[6], 16)!) : undefined;
  const lines = [
    'add a file such as cluster.yaml to the inputs, for example:',
    '  cluster:',
    `    name: ${suggestName(c.firstDocument?.file)}`,
    '    serviceCIDRs:',
    ...(v4 ? [`      v4: ${v4}`] : []),
    ...(v6 ? [`      v6: ${v6}`] : []),
  ];
  lines.push(
    own
      ? `these CIDRs come from ServiceCIDR ${DEFAULT_SERVICE_CIDR_OBJECT}, the API server's --service-cluster-ip-range`
      : seen[4].length || seen[6].length
        ? 'these CIDRs merely cover the clusterIPs seen; use the cluster\'s --service-cluster-ip-range'
        : 'use the cluster\'s --service-cluster-ip-range',
  );
  return lines;
}

/** The input's directory or file name, made a valid cluster name, as a starting point. */
function suggestName(file: string | undefined): string {
  if (!file) return 'my-cluster';
  const dir = basename(dirname(file));
  const stem = basename(file, extname(file));
  for (const candidate of [dir, stem]) {
    const name = candidate.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
    if (name && name !== '.' && /^[a-z0-9]/.test(name)) return name;
  }
  return 'my-cluster';
}
