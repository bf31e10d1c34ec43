// Generates large specs for benchmarks: N services of B backends on K nodes, in the compact
// format or as the kubectl List of the same cluster. Deterministic, addresses from private ranges.

export interface LargeSpecShape {
  services: number;
  backendsPerService: number;
  nodes: number;
}

function v4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const BASE_NODE = (10 << 24) | (0 << 16) | 1; // 10.0.0.1...
const BASE_POD = 10 << 24 | 64 << 16; // 10.64.0.0/10: node k has 10.64+k/4.(k%4*64).0/18... kept simple below
const BASE_SERVICE = (10 << 24) | (96 << 16); // 10.96.0.0/12

/** Node k's pod CIDR is a /22 from 10.64.0.0, so 1,024 nodes of 1,022 pods each fit. */
function podCIDR(k: number): { base: number; text: string } {
  const base = BASE_POD + k * 1024;
  return { base, text: `${v4(base)}/22` };
}

function backendOf(shape: LargeSpecShape, s: number, b: number): { address: string; node: string } {
  const k = (s * shape.backendsPerService + b) % shape.nodes;
  const slot = Math.floor((s * shape.backendsPerService + b) / shape.nodes) % 1000;
  return { address: v4(podCIDR(k).base + 2 + slot), node: `node${k}` };
}

export function compactSpec(shape: LargeSpecShape): string {
  const out: string[] = [
    'cluster:',
    '  name: large',
    '  serviceCIDRs: {v4: 10.96.0.0/12}',
    '  loadBalancerPools:',
    '    - {name: public, addresses: [198.51.100.0/24, 203.0.113.0/24], default: true}',
    'nodes:',
  ];
  for (let k = 0; k < shape.nodes; k++) {
    out.push(`  - {name: node${k}, addresses: [${v4(BASE_NODE + k)}], podCIDRs: [${podCIDR(k).text}]}`);
  }
  out.push('services:');
  for (let s = 0; s < shape.services; s++) {
    out.push(`  - name: svc-${s}`, `    clusterIPs: [${v4(BASE_SERVICE + 1 + s)}]`, '    ports: [{name: http, port: 80, targetPort: 8080}]', '    backends:');
    for (let b = 0; b < shape.backendsPerService; b++) {
      const be = backendOf(shape, s, b);
      out.push(`      - {address: ${be.address}, node: ${be.node}}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The same cluster's services and nodes as `kubectl get -o yaml` prints them (one List). */
export function kubectlList(shape: LargeSpecShape): string {
  const out: string[] = ['apiVersion: v1', 'kind: List', 'metadata: {resourceVersion: ""}', 'items:'];
  for (let k = 0; k < shape.nodes; k++) {
    out.push(
      '- apiVersion: v1', '  kind: Node', '  metadata:', `    name: node${k}`, `    uid: 00000000-0000-0000-0000-${String(k).padStart(12, '0')}`,
      '  spec:', `    podCIDR: ${podCIDR(k).text}`, '    podCIDRs:', `    - ${podCIDR(k).text}`,
      '  status:', '    addresses:', `    - address: ${v4(BASE_NODE + k)}`, '      type: InternalIP', `    - address: node${k}`, '      type: Hostname',
    );
  }
  for (let s = 0; s < shape.services; s++) {
    const ip = v4(BASE_SERVICE + 1 + s);
    out.push(
      '- apiVersion: v1', '  kind: Service', '  metadata:', `    name: svc-${s}`, '    namespace: default', '    resourceVersion: "1"',
      '  spec:', `    clusterIP: ${ip}`, '    clusterIPs:', `    - ${ip}`, '    internalTrafficPolicy: Cluster', '    ipFamilies:', '    - IPv4',
      '    ipFamilyPolicy: SingleStack', '    ports:', '    - name: http', '      port: 80', '      protocol: TCP', '      targetPort: 8080',
      '    selector:', `      app: svc-${s}`, '    sessionAffinity: None', '    type: ClusterIP', '  status:', '    loadBalancer: {}',
      '- addressType: IPv4', '  apiVersion: discovery.k8s.io/v1', '  kind: EndpointSlice', '  metadata:', '    labels:',
      `      kubernetes.io/service-name: svc-${s}`, `    name: svc-${s}-abcde`, '    namespace: default', '  endpoints:',
    );
    for (let b = 0; b < shape.backendsPerService; b++) {
      const be = backendOf(shape, s, b);
      out.push(
        '  - addresses:', `    - ${be.address}`, '    conditions:', '      ready: true', '      serving: true', '      terminating: false',
        `    nodeName: ${be.node}`,
      );
    }
    out.push('  ports:', '  - name: http', '    port: 8080', '    protocol: TCP');
  }
  return out.join('\n') + '\n';
}

/** kubectl Lists carry no cluster settings: this is the compact document to put beside them. */
export const LARGE_CLUSTER_DOCUMENT = 'cluster:\n  name: large\n  serviceCIDRs: {v4: 10.96.0.0/12}\n';
