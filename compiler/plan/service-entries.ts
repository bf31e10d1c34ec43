// The service-map entries every node shares: one per frontend and scope. internalTrafficPolicy
// governs the ClusterIP only (the API: "how nodes distribute service traffic they receive on the
// ClusterIP"); a NodePort, ExternalIP or LoadBalancer address follows externalTrafficPolicy, and
// in-cluster traffic to one of them goes to every endpoint when that policy is Local, as
// kube-proxy short-circuits pod and host traffic to its cluster-wide chain. So an internal-scope
// entry (the talk's scoped lookup: the socket LB sees it, tc/XDP do not) exists exactly for the
// external frontends of an externalTrafficPolicy: Local service, with the cluster-wide set.

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
      const twoScopes = svc.externalSet !== 'all';
      out.push({ ...base, scope: 'external', set: svc.externalSet, twoScopes });
      if (twoScopes) out.push({ ...base, scope: 'internal', set: 'all', twoScopes: false });
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
