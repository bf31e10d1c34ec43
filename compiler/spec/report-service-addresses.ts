// A service's addresses against the cluster's declared ranges: clusterIPs inside the service CIDR
// of their family (or a ServiceCIDR object of the inputs), families consistent, load-balancer IPs inside their pools, pools that exist;
// and a load-balancer status against the service's families and what it asked for.

import type { Diagnostics } from '../diagnostics.ts';
import { codes } from './codes.ts';
import type { CheckContext, SpecCheck } from './checks.ts';
import { didYouMean } from './did-you-mean.ts';
import { familyName, parseCIDR, parseIP, parseSpan, spanContains, type Family, type IP } from './ip.ts';
import { rangeOf, servedByPools, serviceFamilies, type ClusterSpec, type PoolSpec, type ServiceCIDRObjectSpec, type ServiceSpec } from './types.ts';

export const reportServiceAddresses: SpecCheck = (spec, diags, ctx) => {
  for (const s of spec.services) {
    reportClusterIPs(s, spec.cluster, spec.serviceCIDRObjects ?? [], diags, ctx);
    reportLoadBalancer(s, spec.cluster, diags, ctx.hasCluster);
  }
};

function familyOf(text: string): Family | undefined {
  return parseIP(text).value?.family;
}

function reportClusterIPs(s: ServiceSpec, cluster: ClusterSpec, objects: ServiceCIDRObjectSpec[], diags: Diagnostics, ctx: CheckContext): void {
  const svc = `service ${s.namespace}/${s.name}`;
  const families = s.clusterIPs.map(familyOf);
  if (s.clusterIPs.length > 2 || (families.length === 2 && families[0] === families[1])) {
    diags.report(codes.SY1042, `${svc}: clusterIPs holds at most one address per family (one IPv4, one IPv6)`, rangeOf(s, 'clusterIPs'));
  }
  const asked = s.ipFamilies.map((f) => (f === 'IPv4' ? 4 : 6) as Family);
  if (new Set(asked).size !== asked.length) {
    diags.report(codes.SY1042, `${svc}: ipFamilies names a family twice`, rangeOf(s, 'ipFamilies'));
  } else if (s.clusterIPs.length && families.some((f, i) => asked[i] !== undefined && f !== asked[i])) {
    diags.report(codes.SY1042, `${svc}: ipFamilies [${s.ipFamilies.join(', ')}] disagrees with clusterIPs [${s.clusterIPs.join(', ')}]; list the families in the order of the addresses, or drop ipFamilies`, rangeOf(s, 'ipFamilies'));
  }
  if (!ctx.hasCluster) return;
  // ServiceCIDR objects (kubectl input) are further ranges the API server allocates from.
  const objectCIDRs = objects.flatMap((o) => o.cidrs.map((c) => ({ name: o.name, cidr: parseCIDR(c).value! })));
  s.clusterIPs.forEach((text, i) => {
    const ip = parseIP(text).value;
    if (!ip) return;
    if (objectCIDRs.some((o) => o.cidr.family === ip.family && spanContains(o.cidr, ip))) return;
    const cidrText = ip.family === 4 ? cluster.serviceCIDRs.v4 : cluster.serviceCIDRs.v6;
    const at = rangeOf(s, `clusterIPs.${i}`);
    if (!cidrText) {
      diags.report(codes.SY1041, `${svc}: clusterIP ${text} is ${familyName(ip.family)}, but the cluster has no ${familyName(ip.family)} service CIDR`, at, [
        `add cluster.serviceCIDRs.v${ip.family}, or remove the address`,
      ]);
      return;
    }
    if (!spanContains(parseCIDR(cidrText).value!, ip)) {
      diags.report(codes.SY1040, `${svc}: clusterIP ${text} is outside the ${familyName(ip.family)} service CIDR ${cidrText}`, at, [
        'pick an address inside it, or leave clusterIPs out to have one allocated',
        ...(ctx.sawManifests ? ['a cluster with several ServiceCIDRs (Kubernetes 1.33+) allocates from each: add kubectl get servicecidrs -o yaml to the inputs'] : []),
      ]);
    }
  });
  if (s.clusterIPs.length === 0) {
    for (const f of asked) {
      if ((f === 4 ? cluster.serviceCIDRs.v4 : cluster.serviceCIDRs.v6) === undefined) {
        diags.report(codes.SY1041, `${svc}: asks for an ${familyName(f)} clusterIP, but the cluster has no ${familyName(f)} service CIDR`, rangeOf(s, 'ipFamilies'), [
          `add cluster.serviceCIDRs.v${f}, or drop ${familyName(f)} from ipFamilies`,
        ]);
      }
    }
  }
}

function reportLoadBalancer(s: ServiceSpec, cluster: ClusterSpec, diags: Diagnostics, hasCluster: boolean): void {
  const svc = `service ${s.namespace}/${s.name}`;
  // Settings of other service types are report-service-settings.ts's business.
  if (s.type !== 'LoadBalancer') return;
  const ips = s.loadBalancerIPs.map((t) => parseIP(t).value).filter((ip): ip is IP => ip !== undefined);
  if (new Set(ips.map((ip) => ip.family)).size !== ips.length) {
    diags.report(codes.SY1042, `${svc}: loadBalancerIPs holds at most one address per family`, rangeOf(s, 'loadBalancerIPs'));
  }
  // The cluster's status is the truth (as for kube-proxy), and then neither pools nor requests matter.
  if (s.loadBalancerIngress !== undefined) return reportLoadBalancerStatus(s, diags);
  // Another class's controller checks its own requests against its own pools.
  if (!hasCluster || !servedByPools(s, cluster)) return;
  const pools = cluster.loadBalancerPools;
  let pool: PoolSpec | undefined;
  if (s.loadBalancerPool !== undefined) {
    pool = pools.find((p) => p.name === s.loadBalancerPool);
    if (!pool) {
      diags.report(codes.SY1048, `${svc}: load-balancer pool "${s.loadBalancerPool}" is not declared`, rangeOf(s, 'loadBalancerPool'),
        didYouMean(s.loadBalancerPool, pools.map((p) => p.name)) ?? [`declared pools: ${pools.map((p) => p.name).join(', ') || 'none; add cluster.loadBalancerPools'}`]);
      return;
    }
  }
  s.loadBalancerIPs.forEach((text, i) => {
    const ip = parseIP(text).value;
    if (!ip) return;
    const candidates = pool ? [pool] : pools;
    if (candidates.some((p) => poolContains(p, ip))) return;
    const where = pool ? `pool ${pool.name}` : pools.length ? 'every declared pool' : 'any pool: none is declared';
    diags.report(codes.SY1047, `${svc}: loadBalancerIP ${text} is outside ${where}`, rangeOf(s, `loadBalancerIPs.${i}`), [
      'add its range to cluster.loadBalancerPools, or pick an address from a pool',
    ]);
  });
}

/**
 * Status addresses of a family the service does not have are ignored (kube-proxy skips them),
 * with a warning; a request the status does not list lost to it, with a warning at the request.
 */
function reportLoadBalancerStatus(s: ServiceSpec, diags: Diagnostics): void {
  const svc = `service ${s.namespace}/${s.name}`;
  const families = serviceFamilies(s);
  const listed: string[] = [];
  for (const e of s.loadBalancerIngress ?? []) {
    if (e.ip === undefined) continue;
    listed.push(e.ip);
    const f = familyOf(e.ip)!;
    if (families.includes(f)) continue;
    diags.report(codes.SY1082, `${svc}: status.loadBalancer.ingress ip ${e.ip} is ${familyName(f)}, but the service is ${families.map(familyName).join(' and ')}; ignored, as kube-proxy ignores it`, rangeOf(e, 'ip'), [
      'the load-balancer controller wrote an address of the wrong family; check its pools against the service\'s ipFamilies',
    ]);
  }
  s.loadBalancerIPs.forEach((text, i) => {
    if (listed.includes(text)) return;
    const got = listed.length ? `assigned ${listed.join(', ')}` : 'lists no IP address';
    diags.report(codes.SY1081, `${svc}: requests load-balancer IP ${text}, but status.loadBalancer.ingress ${got}; the status wins, as in kube-proxy`, rangeOf(s, `loadBalancerIPs.${i}`), [
      'the load-balancer controller may not have had the address free, or has not caught up; drop the request or fix it',
    ]);
  });
}

function poolContains(p: PoolSpec, ip: IP): boolean {
  return p.addresses.some((a) => {
    const span = parseSpan(a).value;
    return span !== undefined && spanContains(span, ip);
  });
}
