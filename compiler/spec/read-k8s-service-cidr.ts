// A networking.k8s.io/v1 ServiceCIDR (KEP-1880, GA in Kubernetes 1.33): a range the API server
// allocates ClusterIPs from, beside the one kube-apiserver was started with. kube-proxy programs
// ClusterIPs whatever range they came from; Switchyard reads the objects so that a ClusterIP of
// an added range is not taken for one outside the cluster's (SY1040). Allocation for the compact
// format stays in cluster.serviceCIDRs.

import type { Collected } from './drafts.ts';
import type { MapReader } from './map-reader.ts';
import type { Metadata } from './read-manifest.ts';

export function readK8sServiceCIDR(m: MapReader, meta: Metadata, out: Collected): void {
  const spec = m.map('spec', { required: true });
  const cidrs = spec?.cidrList('cidrs', { required: true }) ?? [];
  spec?.done();
  m.ignore('status');
  out.serviceCIDRObjects.push({ at: meta.at, pos: {}, name: meta.name, cidrs });
}
