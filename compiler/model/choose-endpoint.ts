// One address may be listed by several EndpointSlices of a service (during a rollout, or when a
// slice is split): for each service port, each address:port serves once. kube-proxy keeps the
// node-local entry, else whichever its map iteration meets last; Switchyard needs a choice that
// never depends on the order of files or documents, so it ranks the entries (docs/spec.md):
//   1. the most usable state: ready, then serving-and-terminating, then neither;
//   2. one that names a node (only such an entry can be local to a node, as kube-proxy prefers);
//   3. the slice whose name sorts first;
//   4. then node name and hints, so that entries differing in anything observable never tie.

import type { BackendSpec } from '../spec/types.ts';

/**
 * Kubernetes' conditions reduced to what the datapath needs, as kube-proxy reads them (KEP-1669):
 * ready backends are active, terminating-but-serving ones are a fallback, anything else carries
 * no traffic. Ready is checked first: a terminating endpoint is ready only when the service
 * publishes not-ready addresses, and then kube-proxy treats it as any ready endpoint.
 */
export function servingState(b: BackendSpec): 'active' | 'terminating' | undefined {
  if (b.ready) return 'active';
  return b.serving && b.terminating ? 'terminating' : undefined;
}

const STATE_RANK = { active: 0, terminating: 1, none: 2 } as const;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` is the entry to keep, positive for `b`, zero when nothing tells them apart. */
export function compareEndpoints(a: BackendSpec, b: BackendSpec): number {
  return STATE_RANK[servingState(a) ?? 'none'] - STATE_RANK[servingState(b) ?? 'none']
    || (a.node === undefined ? 1 : 0) - (b.node === undefined ? 1 : 0)
    || cmp(a.slice ?? '', b.slice ?? '')
    || cmp(a.node ?? '', b.node ?? '')
    || cmp(a.hints.forZones.join(','), b.hints.forZones.join(','))
    || cmp(a.hints.forNodes.join(','), b.hints.forNodes.join(','));
}
