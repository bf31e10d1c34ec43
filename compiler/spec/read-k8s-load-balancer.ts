// A v1 Service's load-balancer fields: what is asked for (spec.loadBalancerIP, MetalLB's
// annotations, spec.loadBalancerClass) and what the cluster assigned (status.loadBalancer.ingress,
// written by cloud controllers, MetalLB or kube-vip). kube-proxy programs the status; so do we.

import type { SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import type { ServiceDraft } from './drafts.ts';
import { formatIP, parseIP, parseLegacyIP } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import type { Metadata } from './read-manifest.ts';
import type { LoadBalancerIngressSpec } from './types.ts';
import { quote } from './quote.ts';

/** MetalLB's annotations, old (metallb.universe.tf) and new (metallb.io) forms alike. */
const LB_IPS_ANNOTATIONS = ['metallb.universe.tf/loadBalancerIPs', 'metallb.io/loadBalancerIPs'];
const LB_POOL_ANNOTATIONS = ['metallb.universe.tf/address-pool', 'metallb.io/address-pool'];

/** spec.loadBalancerIP and MetalLB's loadBalancerIPs annotation (comma-separated, one per family). */
export function readRequestedLoadBalancer(spec: MapReader, meta: Metadata, s: ServiceDraft): void {
  const add = (text: string, at: SourceRange, what: string) => {
    const p = parseIP(text.trim());
    if (p.error !== undefined) {
      spec.ctx.diags.report(codes.SY1020, `Service ${s.namespace}/${s.name} ${what}: ${quote(text.trim())} is not an IP address: ${p.error}`, at);
      return;
    }
    const ip = formatIP(p.value);
    if (s.loadBalancerIPs.includes(ip)) return;
    s.pos[`loadBalancerIPs.${s.loadBalancerIPs.length}`] = at;
    s.loadBalancerIPs.push(ip);
  };
  const single = spec.field('loadBalancerIP');
  const text = single?.string();
  if (single && text) add(text, single.range, 'spec.loadBalancerIP');
  for (const a of LB_IPS_ANNOTATIONS) {
    const v = meta.annotations[a];
    if (v !== undefined) for (const part of v.split(',')) if (part.trim()) add(part, meta.pos[`annotations.${a}`]!, `annotation ${a}`);
  }
  if (s.loadBalancerIPs.length) s.pos['loadBalancerIPs'] = s.pos['loadBalancerIPs.0']!;
  for (const a of LB_POOL_ANNOTATIONS) {
    const v = meta.annotations[a];
    if (v === undefined) continue;
    s.loadBalancerPool ??= v.trim();
    s.pos['loadBalancerPool'] ??= meta.pos[`annotations.${a}`]!;
  }
  const cls = spec.field('loadBalancerClass');
  const clsText = cls?.string();
  if (cls && clsText) {
    s.loadBalancerClass = clsText;
    s.pos['loadBalancerClass'] = cls.range;
  }
}

/**
 * status.loadBalancer.ingress. An address that does not parse is a warning (SY1082), not an
 * error: kube-proxy skips it and programs the rest, and the dump is what the cluster holds.
 */
export function readLoadBalancerStatus(m: MapReader, s: ServiceDraft): void {
  const status = m.map('status');
  if (!status) return;
  const lb = status.map('loadBalancer');
  status.ignore('conditions');
  status.done();
  if (!lb) return;
  const ingress = lb.list('ingress', (v) => readIngress(v, s)) ?? [];
  lb.done();
  if (ingress.length === 0) return;
  s.loadBalancerIngress = ingress;
  s.pos['loadBalancerIngress'] = ingress[0]!.at;
}

function readIngress(v: ValueReader, s: ServiceDraft): LoadBalancerIngressSpec | undefined {
  const e = v.map();
  if (!e) return undefined;
  const out: LoadBalancerIngressSpec = { at: e.at, pos: {}, ipMode: e.oneOf('ipMode', ['VIP', 'Proxy'] as const) ?? 'VIP' };
  const ipField = e.field('ip');
  const text = ipField?.string();
  if (ipField && text) {
    const p = parseLegacyIP(text.trim());
    if (p.error === undefined) {
      out.ip = formatIP(p.value);
      out.pos['ip'] = ipField.range;
      if (p.loose) ipField.reportLoose(text, out.ip, p.loose);
    } else {
      e.ctx.diags.report(codes.SY1082, `Service ${s.namespace}/${s.name}: status.loadBalancer.ingress ip ${quote(text)} is not an IP address (${p.error}); ignored, as kube-proxy ignores it`, ipField.range);
    }
  }
  const hostname = e.string('hostname');
  if (hostname) out.hostname = hostname;
  if (e.pos['ipMode']) out.pos['ipMode'] = e.pos['ipMode'];
  e.ignore('ports');
  e.done();
  return out;
}
