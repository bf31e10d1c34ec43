// The service-map entries every node shares: one per frontend and scope. The two traffic
// policies pick the backend set of each scope; an internal-scope entry exists only where they
// differ, so the socket LB (in-cluster traffic) and tc/XDP (north-south) see different backends
// exactly when Kubernetes says they should (the talk's scoped lookup).

import type { ClusterSpec } from '../spec/types.ts';
import type { LbUnit, ServiceEntry } from './types.ts';

export function buildServiceEntries(units: readonly LbUnit[], cluster: ClusterSpec): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const unit of units) {
    const svc = unit.service?.model;
    if (!svc) continue;
    for (const frontend of unit.frontends) {
      const base = {
        unit,
        frontend,
        affinityTimeout: svc.affinityTimeout,
        sourceRanges: frontend.kind === 'LoadBalancer' && svc.sourceRanges.length > 0,
        notInCluster: frontend.kind === 'ExternalIP' && !cluster.datapath.externalIPsInCluster,
      };
      if (frontend.kind === 'ClusterIP') {
        out.push({ ...base, scope: 'external', set: svc.internalSet, twoScopes: false });
        continue;
      }
      const twoScopes = svc.externalSet !== svc.internalSet;
      out.push({ ...base, scope: 'external', set: svc.externalSet, twoScopes });
      if (twoScopes) out.push({ ...base, scope: 'internal', set: svc.internalSet, twoScopes: false });
    }
  }
  return out;
}

/** A HostPort's one entry, held by its node only. */
export function hostPortEntry(unit: LbUnit): ServiceEntry {
  return {
    unit,
    frontend: unit.frontends[0]!,
    scope: 'external',
    set: 'all',
    twoScopes: false,
    sourceRanges: false,
    notInCluster: false,
  };
}
