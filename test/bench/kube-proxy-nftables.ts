// `nft -f` input in the shape kube-proxy's nftables proxier writes (its documented layout: table
// ip kube-proxy, the service-ips and service-nodeports verdict maps, per-service chains
// service-<hash>-ns/name/proto/port choosing with `numgen random mod N vmap`, endpoint-<hash>
// chains with dnat, external-<hash> chains for NodePort and LoadBalancer traffic). Our own
// generator, for the programming bench's kube-proxy contenders.
//
// Before every `nft -f` the proxier lists its table twice (`nft --json list table ip kube-proxy`,
// once for the chains, once for the sets): that cost grows with the cluster and is counted with
// each sync (NFT_LISTING, run twice). A partial sync rewrites only the changed services' chains and
// flushes a chain that went stale (deleting it in a later sync).

import type { BenchCluster, BenchService } from './bench-cluster.ts';
import { endpointString, hashName, localEndpoints, portName } from './kube-proxy-names.ts';

export const NFT_TABLE = 'kube-proxy';
const T = `ip ${NFT_TABLE}`;
const MASQ_MARK = '0x4000';

/** nft's arguments for the listing the proxier does twice before each transaction (knftables'
 *  List of chains, then of sets: each lists the whole table). */
export const NFT_LISTING = ['--json', 'list', 'table', 'ip', NFT_TABLE] as const;

const readable = (s: BenchService): string => `${s.namespace}/${s.name}/tcp/http`;
const serviceChain = (s: BenchService): string => `service-${hashName(`${portName(s)}tcp`, 8)}-${readable(s)}`;
const externalChain = (s: BenchService): string => `external-${hashName(`${portName(s)}tcp`, 8)}-${readable(s)}`;
const localChain = (s: BenchService): string => `local-${hashName(`${portName(s)}tcp`, 8)}-${readable(s)}`;
export const endpointChain = (s: BenchService, ep: string): string =>
  `endpoint-${hashName(`${portName(s)}tcp${ep}`, 8)}-${readable(s)}__${ep.replace(':', '/')}`;

function baseRules(c: BenchCluster, nodeAddress: string): string[] {
  const chain = (name: string, spec = '') => `add chain ${T} ${name}${spec ? ` { ${spec} ; }` : ''}`;
  const rule = (name: string, body: string) => `add rule ${T} ${name} ${body}`;
  return [
    `add table ${T} { comment "rules for kube-proxy" ; }`,
    `add set ${T} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`,
    `add set ${T} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`,
    `add map ${T} firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`,
    `add map ${T} no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`,
    `add map ${T} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
    `add map ${T} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add map ${T} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
    chain('cluster-ips-check'),
    chain('filter-prerouting-pre-dnat', 'type filter hook prerouting priority -110'),
    chain('filter-output-pre-dnat', 'type filter hook output priority -110'),
    chain('filter-forward', 'type filter hook forward priority 0'),
    chain('filter-input', 'type filter hook input priority 0'),
    chain('filter-output', 'type filter hook output priority 0'),
    chain('firewall-check'),
    chain('mark-for-masquerade'),
    chain('masquerading'),
    chain('nat-output', 'type nat hook output priority -100'),
    chain('nat-postrouting', 'type nat hook postrouting priority 100'),
    chain('nat-prerouting', 'type nat hook prerouting priority -100'),
    chain('nodeport-endpoints-check'),
    chain('reject-chain', 'comment "helper for @no-endpoint-services / @no-endpoint-nodeports"'),
    chain('services'),
    chain('service-endpoints-check'),
    rule('cluster-ips-check', 'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"'),
    rule('cluster-ips-check', `ip daddr { ${c.serviceCIDR} } drop comment "Drop traffic to unallocated ClusterIPs"`),
    rule('filter-prerouting-pre-dnat', 'ct state new jump firewall-check'),
    rule('filter-forward', 'ct state new jump service-endpoints-check'),
    rule('filter-forward', 'ct state new jump cluster-ips-check'),
    rule('filter-input', 'ct state new jump nodeport-endpoints-check'),
    rule('filter-input', 'ct state new jump service-endpoints-check'),
    rule('filter-output', 'ct state new jump service-endpoints-check'),
    rule('filter-output-pre-dnat', 'ct state new jump firewall-check'),
    rule('filter-output', 'ct state new jump cluster-ips-check'),
    rule('firewall-check', 'ip daddr . meta l4proto . th dport vmap @firewall-ips'),
    rule('mark-for-masquerade', `mark set mark or ${MASQ_MARK}`),
    rule('masquerading', `mark and ${MASQ_MARK} == 0 return`),
    rule('masquerading', `mark set mark xor ${MASQ_MARK}`),
    rule('masquerading', 'masquerade fully-random'),
    rule('nat-output', 'jump services'),
    rule('nat-postrouting', 'jump masquerading'),
    rule('nat-prerouting', 'jump services'),
    rule('nodeport-endpoints-check', 'ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports'),
    rule('reject-chain', 'reject'),
    rule('services', 'ip daddr . meta l4proto . th dport vmap @service-ips'),
    rule('services', 'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports'),
    `add element ${T} nodeport-ips { ${nodeAddress} }`,
    rule('service-endpoints-check', 'ip daddr . meta l4proto . th dport vmap @no-endpoint-services'),
  ];
}

function vmapTo(s: BenchService, eps: readonly string[]): string {
  return `numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${endpointChain(s, ep)}`).join(' , ')} }`;
}

/**
 * One service's chains (`own`: every chain created first, as the proxier does, since a rule may
 * only jump to a chain that exists) and its map elements (`elements`, written when they change).
 */
function serviceObjects(c: BenchCluster, node: string, s: BenchService, own: string[], elements: string[]): void {
  const all = s.endpoints.map((e) => endpointString(s, e));
  const local = localEndpoints(s, node).map((e) => endpointString(s, e));
  const isLocal = s.externalTrafficPolicy === 'Local';
  const svc = serviceChain(s);
  const ext = externalChain(s);
  const chains = [...all.map((ep) => endpointChain(s, ep)), svc];
  if (s.type !== 'ClusterIP') chains.push(ext);
  if (s.type !== 'ClusterIP' && isLocal && local.length) chains.push(localChain(s));
  own.push(...chains.flatMap((name) => [`add chain ${T} ${name}`, `flush chain ${T} ${name}`]));
  const rule = (chain: string, body: string) => own.push(`add rule ${T} ${chain} ${body}`);
  rule(svc, `ip daddr ${s.clusterIP} ip saddr != ${c.podCIDR} jump mark-for-masquerade`);
  rule(svc, vmapTo(s, all));
  elements.push(`add element ${T} cluster-ips { ${s.clusterIP} }`, `add element ${T} service-ips { ${s.clusterIP} . tcp . ${s.port} : goto ${svc} }`);
  if (s.type !== 'ClusterIP') {
    if (!isLocal) {
      rule(ext, 'jump mark-for-masquerade');
      rule(ext, `goto ${svc}`);
    } else {
      rule(ext, `ip saddr ${c.podCIDR} goto ${svc} comment "short-circuit pod traffic"`);
      rule(ext, 'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"');
      rule(ext, `fib saddr type local goto ${svc} comment "short-circuit local traffic"`);
      if (local.length) {
        rule(localChain(s), vmapTo(s, local));
        rule(ext, `goto ${localChain(s)}`);
      } else {
        elements.push(`add element ${T} no-endpoint-nodeports { tcp . ${s.nodePort} comment "${portName(s)}" : drop }`);
        if (s.loadBalancerIP) elements.push(`add element ${T} no-endpoint-services { ${s.loadBalancerIP} . tcp . ${s.port} comment "${portName(s)}" : drop }`);
      }
    }
    if (s.loadBalancerIP) elements.push(`add element ${T} service-ips { ${s.loadBalancerIP} . tcp . ${s.port} : goto ${ext} }`);
    elements.push(`add element ${T} service-nodeports { tcp . ${s.nodePort} : goto ${ext} }`);
  }
  for (const ep of all) {
    rule(endpointChain(s, ep), `ip saddr ${ep.split(':')[0]} jump mark-for-masquerade`);
    rule(endpointChain(s, ep), `meta l4proto tcp dnat to ${ep}`);
  }
}

/** The transaction of a full sync on `node`: the table's skeleton and every service. */
export function nftFullSync(c: BenchCluster, node: string): string {
  const nodeAddress = c.nodes.find((n) => n.name === node)!.address;
  const out = baseRules(c, nodeAddress);
  for (const s of c.services) {
    const elements: string[] = [];
    serviceObjects(c, node, s, out, elements);
    out.push(...elements);
  }
  return out.join('\n') + '\n';
}

/**
 * The transaction of a partial sync from `before` to `after`: the changed services' chains
 * rewritten, their endpoint chains that went away flushed (stale). An endpoint change leaves the
 * map elements as they were, so none are written.
 */
export function nftPartialSync(before: BenchCluster, after: BenchCluster, node: string, changed: ReadonlySet<string>): string {
  const out: string[] = [];
  after.services.forEach((s, i) => {
    if (!changed.has(portName(s))) return;
    serviceObjects(after, node, s, out, []);
    const now = new Set(s.endpoints.map((e) => endpointString(s, e)));
    const old = before.services[i]!;
    for (const e of old.endpoints) {
      const ep = endpointString(old, e);
      if (!now.has(ep)) out.push(`flush chain ${T} ${endpointChain(old, ep)}`);
    }
  });
  return out.join('\n') + '\n';
}
