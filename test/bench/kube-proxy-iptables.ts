// iptables-restore input in the shape kube-proxy's iptables proxier writes (its documented rule
// layout: KUBE-SERVICES → KUBE-SVC-<hash> with `-m statistic --mode random --probability` →
// KUBE-SEP-<hash> DNAT, KUBE-EXT-/KUBE-SVL- for external traffic and Local policies,
// KUBE-NODEPORTS, KUBE-MARK-MASQ, KUBE-POSTROUTING, its comments), restored with --noflush as the
// proxier does. Our own generator, for the programming bench's kube-proxy contenders.
//
// A full sync writes every chain; a partial sync (kube-proxy's MinimizeIPTablesRestore) writes
// the whole filter table and the nat table's top-level chains (KUBE-SERVICES holds one rule per
// service address, so it grows with the cluster), but only the changed services' own chains. In
// large-cluster mode (more than 1,000 endpoints, as both bench sizes are) stale chains are left
// for a periodic cleanup, so an endpoint that went away leaves its KUBE-SEP chain behind.

import type { BenchCluster, BenchService } from './bench-cluster.ts';
import { endpointString, hashName, localEndpoints, portName, probability } from './kube-proxy-names.ts';

const MASQ_MARK = '0x4000';

const chainLine = (name: string): string => `:${name} - [0:0]`;
const svcChain = (s: BenchService): string => `KUBE-SVC-${hashName(`${portName(s)}tcp`, 16)}`;
const svlChain = (s: BenchService): string => `KUBE-SVL-${hashName(`${portName(s)}tcp`, 16)}`;
const extChain = (s: BenchService): string => `KUBE-EXT-${hashName(`${portName(s)}tcp`, 16)}`;
const sepChain = (s: BenchService, ep: string): string => `KUBE-SEP-${hashName(`${portName(s)}tcp${ep}`, 16)}`;

interface Tables {
  filterChains: string[];
  filterRules: string[];
  natChains: string[];
  natRules: string[];
}

function topLevel(): Tables {
  return {
    filterChains: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL'].map(chainLine),
    filterRules: [
      '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    ],
    natChains: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'].map(chainLine),
    natRules: [
      `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
      `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
    ],
  };
}

/** The rules that send a policy chain to its endpoints, one statistic match per endpoint but the last. */
function toEndpoints(s: BenchService, chain: string, eps: readonly string[], natRules: string[]): void {
  eps.forEach((ep, i) => {
    const stat = i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(eps.length - i)}` : '';
    natRules.push(`-A ${chain} -m comment --comment "${portName(s)} -> ${ep}"${stat} -j ${sepChain(s, ep)}`);
  });
}

/**
 * One service's rules: the top-level ones into `top` (always written), its own chains into
 * `own` (skipped by a partial sync when the service did not change).
 */
function serviceRules(c: BenchCluster, node: string, s: BenchService, top: Tables, own: Tables): void {
  const name = portName(s);
  const all = s.endpoints.map((e) => endpointString(s, e));
  const local = localEndpoints(s, node).map((e) => endpointString(s, e));
  const isLocal = s.externalTrafficPolicy === 'Local';
  const match = `-m tcp -p tcp`;
  top.natRules.push(`-A KUBE-SERVICES -m comment --comment "${name} cluster IP" ${match} -d ${s.clusterIP} --dport ${s.port} -j ${svcChain(s)}`);
  if (s.loadBalancerIP) top.natRules.push(`-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${match} -d ${s.loadBalancerIP} --dport ${s.port} -j ${extChain(s)}`);
  if (s.nodePort) top.natRules.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${match} --dport ${s.nodePort} -j ${extChain(s)}`);
  if (isLocal && local.length === 0) {
    const why = `-m comment --comment "${name} has no local endpoints"`;
    if (s.loadBalancerIP) top.filterRules.push(`-A KUBE-EXTERNAL-SERVICES ${why} ${match} -d ${s.loadBalancerIP} --dport ${s.port} -j DROP`);
    top.filterRules.push(`-A KUBE-EXTERNAL-SERVICES ${why} -m addrtype --dst-type LOCAL ${match} --dport ${s.nodePort} -j DROP`);
  }
  if (s.healthCheckNodePort) top.filterRules.push(`-A KUBE-NODEPORTS -m comment --comment "${name} health check node port" -m tcp -p tcp --dport ${s.healthCheckNodePort} -j ACCEPT`);

  own.natChains.push(chainLine(svcChain(s)));
  own.natRules.push(`-A ${svcChain(s)} -m comment --comment "${name} cluster IP" ${match} -d ${s.clusterIP} --dport ${s.port} ! -s ${c.podCIDR} -j KUBE-MARK-MASQ`);
  toEndpoints(s, svcChain(s), all, own.natRules);
  if (s.type !== 'ClusterIP') {
    const ext = extChain(s);
    own.natChains.push(chainLine(ext));
    if (!isLocal) {
      own.natRules.push(`-A ${ext} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ`, `-A ${ext} -j ${svcChain(s)}`);
    } else {
      own.natRules.push(
        `-A ${ext} -m comment --comment "pod traffic for ${name} external destinations" -s ${c.podCIDR} -j ${svcChain(s)}`,
        `-A ${ext} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A ${ext} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${svcChain(s)}`,
      );
      if (local.length) {
        own.natRules.push(`-A ${ext} -j ${svlChain(s)}`);
        own.natChains.push(chainLine(svlChain(s)));
        toEndpoints(s, svlChain(s), local, own.natRules);
      }
    }
  }
  for (const ep of all) {
    const sep = sepChain(s, ep);
    own.natChains.push(chainLine(sep));
    own.natRules.push(`-A ${sep} -m comment --comment ${name} -s ${ep.split(':')[0]} -j KUBE-MARK-MASQ`, `-A ${sep} -m comment --comment ${name} ${match} -j DNAT --to-destination ${ep}`);
  }
}

/**
 * The restore input of one sync on `node`: every service's chains (full sync), or only those of
 * the services named in `changed` (partial sync).
 */
export function iptablesSync(c: BenchCluster, node: string, changed?: ReadonlySet<string>): string {
  const t = topLevel();
  const skipped: Tables = { filterChains: [], filterRules: [], natChains: [], natRules: [] };
  for (const s of c.services) serviceRules(c, node, s, t, !changed || changed.has(portName(s)) ? t : skipped);
  t.natRules.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  t.filterRules.push(
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );
  return ['*filter', ...t.filterChains, ...t.filterRules, 'COMMIT', '*nat', ...t.natChains, ...t.natRules, 'COMMIT', ''].join('\n');
}

/** kube-proxy's restore flags: keep the table's other chains, restore counters. */
export const IPTABLES_RESTORE_FLAGS = ['--noflush', '--counters'] as const;
