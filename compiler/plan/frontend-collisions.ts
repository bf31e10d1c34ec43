// Two services on one frontend (address, port, protocol) would share a service-map key, and the
// later would silently win. HostPorts collide per node: with each other, with any cluster-wide
// frontend of the same address, and with a NodePort of the same number (the wildcard entry).
// NodePort against NodePort is left to allocate-node-ports.ts, which names the port numbers.

import type { Diagnostics } from '../diagnostics.ts';
import { endpointKey } from '../model/build.ts';
import type { Frontend } from '../model/frontends.ts';
import { wildcardAddress } from '../model/address.ts';
import { planCodes } from './codes.ts';

export interface OwnedFrontend {
  frontend: Frontend;
  /** `service ns/name` or `hostPort node/...`, for messages. */
  owner: string;
}

function at(f: Frontend): string {
  return `${f.range.file}:${f.range.line}:${f.range.col}`;
}

export function reportFrontendCollisions(global: readonly OwnedFrontend[], hostPorts: readonly OwnedFrontend[], diags: Diagnostics): void {
  const seen = new Map<string, OwnedFrontend>();
  const collide = (o: OwnedFrontend, prev: OwnedFrontend): void => {
    const f = o.frontend;
    const what = `${f.kind} ${f.key}`;
    diags.report(planCodes.SY2001, `${o.owner}: frontend ${what} is already served by ${prev.owner}`, f.range, [
      `${prev.owner} declares ${prev.frontend.kind} ${prev.frontend.key} at ${at(prev.frontend)}; change the address, port or protocol of one of them`,
    ]);
  };
  for (const o of global) {
    const prev = seen.get(o.frontend.key);
    if (!prev) seen.set(o.frontend.key, o);
    else if (!(prev.frontend.kind === 'NodePort' && o.frontend.kind === 'NodePort')) collide(o, prev);
  }
  const perNode = new Map<string, OwnedFrontend>();
  for (const o of hostPorts) {
    const f = o.frontend;
    const prev =
      perNode.get(f.key) ??
      seen.get(endpointKey(f.address, f.port, f.protocol)) ??
      seen.get(endpointKey(wildcardAddress(f.address.family), f.port, f.protocol));
    if (prev) collide(o, prev);
    else perNode.set(f.key, o);
  }
}
