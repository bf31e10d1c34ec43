// Settings that only mean something on some services: load-balancer fields on a LoadBalancer,
// nodePorts on NodePort and LoadBalancer services, externalTrafficPolicy: Local on a service
// reachable from outside (an error on a ClusterIP service without externalIPs, as Kubernetes'
// API validation has it since v1.28) and a healthCheckNodePort only where the API server would
// allocate one: a LoadBalancer with that policy. Elsewhere they are ignored, with a warning. A
// LoadBalancer whose source ranges leave out one of its families is told what that family gets.

import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { familyName, parseIP } from './ip.ts';
import { loadBalancerStatusIPs, rangeOf, serviceFamilies } from './types.ts';

export const reportServiceSettings: SpecCheck = (spec, diags) => {
  for (const s of spec.services) {
    const svc = `service ${s.namespace}/${s.name}`;
    const ignored = (field: string, why: string, fix: string) =>
      diags.report(codes.SY1049, `${svc}: ${field} ${why} and is ignored`, rangeOf(s, field), [fix]);

    if (s.type !== 'LoadBalancer') {
      if (s.loadBalancerIPs.length) ignored('loadBalancerIPs', `has no effect on a ${s.type} service`, 'make the service type LoadBalancer, or remove the field');
      if (s.loadBalancerPool !== undefined) ignored('loadBalancerPool', `has no effect on a ${s.type} service`, 'make the service type LoadBalancer, or remove the field');
      if (s.loadBalancerSourceRanges.length) ignored('loadBalancerSourceRanges', `has no effect on a ${s.type} service`, 'make the service type LoadBalancer, or remove the field');
    }
    if (s.type === 'ClusterIP') {
      for (const p of s.ports) {
        if (p.nodePort === undefined) continue;
        diags.report(codes.SY1049, `${svc}: nodePort ${p.nodePort} has no effect on a ClusterIP service and is ignored`, rangeOf(p, 'nodePort'), [
          'make the service a NodePort or LoadBalancer, or remove the nodePort',
        ]);
      }
      if (s.externalTrafficPolicy === 'Local' && s.externalIPs.length === 0) {
        diags.report(codes.SY1043, `${svc}: externalTrafficPolicy: Local applies to traffic from outside the cluster, and a ClusterIP service without externalIPs receives none`, rangeOf(s, 'externalTrafficPolicy'), [
          'make the service a NodePort or LoadBalancer, give it externalIPs, or remove externalTrafficPolicy',
        ]);
      }
    }
    // kube-proxy programs each family apart, and a family the service has no ClusterIP (so no
    // endpoints) in gets nothing: an address of that family would only swallow traffic.
    const families = serviceFamilies(s);
    const otherFamily = (field: 'externalIPs' | 'loadBalancerIPs', what: string) =>
      s[field].forEach((text, i) => {
        const f = parseIP(text).value?.family;
        if (f === undefined || families.includes(f)) return;
        diags.report(codes.SY1049, `${svc}: ${what} ${text} is ${familyName(f)}, but the service has no ${familyName(f)} ClusterIP (no endpoints of that family) and is ignored`, rangeOf(s, `${field}.${i}`), [
          `make the service dual-stack (ipFamilyPolicy), or remove the address; kube-proxy ignores it too`,
        ]);
      });
    // Backends too, once per slice (or per backend in the compact format, where there is none).
    const told = new Set<string>();
    for (const b of s.backends) {
      const f = parseIP(b.address).value?.family;
      if (f === undefined || families.includes(f) || told.has(b.slice ?? b.address)) continue;
      told.add(b.slice ?? b.address);
      const [what, fate, drop] = b.slice !== undefined
        ? [`EndpointSlice ${b.slice}`, 'its endpoints are ignored', 'slice']
        : [`backend ${b.address}`, 'it is ignored', 'backend'];
      diags.report(codes.SY1049, `${svc}: ${what} is ${familyName(f)}, but the service has no ${familyName(f)} ClusterIP: ${fate}`, rangeOf(b, 'address'), [
        `make the service dual-stack (ipFamilyPolicy), or remove the ${drop}; kube-proxy ignores it too`,
      ]);
    }
    otherFamily('externalIPs', 'externalIP');
    if (s.type === 'LoadBalancer') otherFamily('loadBalancerIPs', 'loadBalancerIP');
    if (s.type === 'LoadBalancer' && s.loadBalancerSourceRanges.length) {
      // kube-proxy filters each family with its own ranges and leaves a family without any open;
      // Switchyard closes it (docs/spec.md, Differences from kube-proxy): either way, say so.
      const ranged = new Set(s.loadBalancerSourceRanges.map((c) => parseIP(c.slice(0, c.indexOf('/'))).value?.family));
      // A written status names the families that have an address; else the pools may give each.
      const addressed = s.loadBalancerIngress ? loadBalancerStatusIPs(s).map((a) => parseIP(a.ip).value!.family) : families;
      for (const f of families.filter((f) => !ranged.has(f) && addressed.includes(f))) {
        diags.report(codes.SY1085, `${svc}: loadBalancerSourceRanges list no ${familyName(f)} range, so an ${familyName(f)} load-balancer address of the service admits no client (kube-proxy would admit every client)`, rangeOf(s, 'loadBalancerSourceRanges'), [
          `add the ${familyName(f)} ranges to admit (${f === 4 ? '0.0.0.0/0' : '::/0'} for every client)`,
        ]);
      }
    }
    if (s.healthCheckNodePort !== undefined && (s.type !== 'LoadBalancer' || s.externalTrafficPolicy !== 'Local')) {
      ignored('healthCheckNodePort', 'only serves externalTrafficPolicy: Local on a LoadBalancer service', 'remove it, or make the service a LoadBalancer with externalTrafficPolicy: Local');
    }
  }
};
