// Names that must be unique: nodes, services (namespace/name), pools, and within one service its
// ports (by name, and by port and protocol) and its compact-format backends (by address).

import type { Diagnostics, SourceRange } from '../diagnostics.ts';
import type { CodeInfo } from '../diagnostics.ts';
import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { rangeOf, type Located } from './types.ts';

export const reportDuplicateNames: SpecCheck = (spec, diags) => {
  findDuplicates(spec.nodes, (n) => n.name, (n, first) =>
    report(diags, codes.SY1030, `node ${n.name} is declared twice; rename or remove one`, rangeOf(n, 'name'), first));
  findDuplicates(spec.services, (s) => `${s.namespace}/${s.name}`, (s, first) =>
    report(diags, codes.SY1031, `service ${s.namespace}/${s.name} is declared twice; rename or remove one`, rangeOf(s, 'name'), first));
  findDuplicates(spec.cluster.loadBalancerPools, (p) => p.name, (p, first) =>
    report(diags, codes.SY1033, `load-balancer pool ${p.name} is declared twice; rename or merge them`, rangeOf(p, 'name'), first));

  for (const s of spec.services) {
    const svc = `service ${s.namespace}/${s.name}`;
    findDuplicates(s.ports, (p) => p.name, (p, first) => {
      const msg = p.name === ''
        ? `${svc}: ports must be named when a service has more than one`
        : `${svc}: port name "${p.name}" is used twice; port names must be unique within a service`;
      report(diags, codes.SY1032, msg, rangeOf(p, p.name === '' ? undefined : 'name'), first);
    });
    findDuplicates(s.ports, (p) => `${p.port}/${p.protocol}`, (p, first) =>
      report(diags, codes.SY1032, `${svc}: port ${p.port}/${p.protocol} is declared twice; merge the two entries`, rangeOf(p, 'port'), first));
    // EndpointSlices may list one address twice (during updates); the model picks one per port.
    findDuplicates(s.backends.filter((b) => b.slice === undefined), (b) => b.address, (b, first) =>
      report(diags, codes.SY1037, `${svc}: backend ${b.address} is listed twice; list each backend address once`, rangeOf(b, 'address'), first));
  }
};

/** Calls `dup` for every item whose key an earlier item already had, with that first item's range. */
function findDuplicates<T extends Located>(items: T[], key: (t: T) => string, dup: (t: T, first: SourceRange) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const first = seen.get(k);
    if (first) dup(item, first.at);
    else seen.set(k, item);
  }
}

function report(diags: Diagnostics, code: CodeInfo, message: string, at: SourceRange, first: SourceRange): void {
  diags.report(code, message, at, [`first declared at ${first.file}:${first.line}:${first.col}`]);
}
