// The labels with which kube-proxy leaves Services and EndpointSlices to someone else: its
// informers list both kinds with a selector that excludes either label, whatever its value. The
// EndpointSlice controller copies a service's labels onto its slices and adds the headless one
// to a headless service's, so a skipped service's slices normally carry the label too.

import type { Metadata } from './read-manifest.ts';

/** Each label kube-proxy filters on, with why an object carrying it is not kube-proxy's to balance. */
const SKIPPED_LABELS: Record<string, (value: string) => string> = {
  'service.kubernetes.io/service-proxy-name': (v) => `belongs to another service proxy (${JSON.stringify(v)})`,
  'service.kubernetes.io/headless': () => 'is marked headless',
};

export interface SkippingLabel {
  /** `key=value`, as a label selector prints it. */
  label: string;
  why: string;
  key: string;
}

/** The first label of `meta` that makes kube-proxy leave the object out, if it carries any. */
export function labelKubeProxySkips(meta: Metadata): SkippingLabel | undefined {
  for (const [key, why] of Object.entries(SKIPPED_LABELS)) {
    const value = meta.labels[key];
    if (value !== undefined) return { label: value === '' ? key : `${key}=${value}`, why: why(value), key };
  }
  return undefined;
}
