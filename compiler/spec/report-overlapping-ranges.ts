// Address ranges the cluster declares must not overlap: service CIDRs, each node's pod CIDRs and
// addresses, and load-balancer pools. A sweep over the sorted spans, so 1,000 nodes stay cheap.

import type { SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { familyName, parseSpan, type Span } from './ip.ts';
import { rangeOf } from './types.ts';

interface Labelled {
  span: Span;
  what: string;
  at: SourceRange;
}

export const reportOverlappingRanges: SpecCheck = (spec, diags) => {
  const all: Labelled[] = [];
  const add = (text: string, what: string, at: SourceRange) => {
    const span = parseSpan(text).value;
    if (span) all.push({ span, what, at });
  };
  const c = spec.cluster;
  if (c.serviceCIDRs.v4) add(c.serviceCIDRs.v4, `service CIDR ${c.serviceCIDRs.v4}`, rangeOf(c, 'serviceCIDRs.v4'));
  if (c.serviceCIDRs.v6) add(c.serviceCIDRs.v6, `service CIDR ${c.serviceCIDRs.v6}`, rangeOf(c, 'serviceCIDRs.v6'));
  for (const p of c.loadBalancerPools) {
    p.addresses.forEach((a, i) => add(a, `pool ${p.name} range ${a}`, rangeOf(p, `addresses.${i}`)));
  }
  const seenNodes = new Set<string>();
  for (const n of spec.nodes) {
    // A node declared twice is SY1030's business; its ranges would only repeat the news here.
    if (seenNodes.has(n.name)) continue;
    seenNodes.add(n.name);
    n.podCIDRs.forEach((p, i) => add(p, `pod CIDR ${p} of node ${n.name}`, rangeOf(n, `podCIDRs.${i}`)));
    n.addresses.forEach((a, i) => add(`${a}-${a}`, `address ${a} of node ${n.name}`, rangeOf(n, `addresses.${i}`)));
    const families = n.podCIDRs.map((p) => parseSpan(p).value?.family);
    if (new Set(families).size !== families.length) {
      diags.report(codes.SY1042, `node ${n.name}: podCIDRs holds at most one CIDR per family`, rangeOf(n, 'podCIDRs'));
    }
  }

  // Sorted by start, a span overlaps an earlier one exactly when it starts before the furthest
  // end seen so far; that earlier span is the one named in the message.
  all.sort((a, b) => a.span.family - b.span.family || (a.span.first < b.span.first ? -1 : a.span.first > b.span.first ? 1 : 0));
  let reach: Labelled | undefined;
  for (const cur of all) {
    if (reach && reach.span.family === cur.span.family && cur.span.first <= reach.span.last) {
      const [first, second] = order(reach, cur);
      diags.report(codes.SY1051, `${second.what} overlaps ${first.what}`, second.at, [
        `${first.what} is declared at ${first.at.file}:${first.at.line}:${first.at.col}; ${familyName(cur.span.family)} ranges of the cluster must be disjoint`,
      ]);
    }
    if (!reach || reach.span.family !== cur.span.family || cur.span.last > reach.span.last) reach = cur;
  }
};

/** The one declared earlier in the files comes first, so the message points at the later one. */
function order(a: Labelled, b: Labelled): [Labelled, Labelled] {
  const ka = [a.at.file, a.at.line, a.at.col] as const;
  const kb = [b.at.file, b.at.line, b.at.col] as const;
  const before = ka[0] !== kb[0] ? ka[0] < kb[0] : ka[1] !== kb[1] ? ka[1] < kb[1] : ka[2] <= kb[2];
  return before ? [a, b] : [b, a];
}
