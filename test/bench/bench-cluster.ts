// The cluster the programming bench (programming.bench.ts) gives every contender: services ×
// endpoints on nodes, with every address and port written out (ClusterIPs, nodePorts,
// LoadBalancer IPs), so that Switchyard's compact spec and kube-proxy's rule sets describe exactly
// the same services. A change is one endpoint of one service replaced by a new address.

export interface BenchShape {
  services: number;
  endpointsPerService: number;
  nodes: number;
}

export interface BenchEndpoint {
  address: string;
  node: string;
}

export interface BenchService {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  port: number;
  targetPort: number;
  nodePort?: number;
  loadBalancerIP?: string;
  externalTrafficPolicy: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  endpoints: BenchEndpoint[];
}

export interface BenchNode {
  name: string;
  address: string;
  podCIDR: string;
}

export interface BenchCluster {
  shape: BenchShape;
  serviceCIDR: string;
  podCIDR: string;
  nodes: BenchNode[];
  services: BenchService[];
}

/** One endpoint of one service replaced: `service`'s endpoint `endpoint` moves to `address`. */
export interface EndpointChange {
  service: number;
  endpoint: number;
  address: string;
}

export const v4 = (n: number): string => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

const NODE_BASE = (10 << 24) + 1; // 10.0.0.1, 10.0.0.2, ...
const POD_BASE = (10 << 24) | (64 << 16); // 10.64.0.0/10, a /22 per node
const POD_BLOCK = 1024;
/** Addresses at the top of each node's pod block kept free for replacement endpoints. */
const SPARE = 16;
const SERVICE_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12
const LB_POOLS = [(192 << 24) | (0 << 16) | (2 << 8), (198 << 24) | (51 << 16) | (100 << 8), (203 << 24) | (0 << 16) | (113 << 8)];
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/** A pod address on `node` that no generated endpoint uses: for the replacement endpoints. */
export function sparePodAddress(node: number, k: number): string {
  if (k >= SPARE) throw new Error(`sparePodAddress: only ${SPARE} spare addresses per node`);
  return v4(POD_BASE + node * POD_BLOCK + POD_BLOCK - 2 - k);
}

/**
 * 80% ClusterIP, 15% NodePort, 5% LoadBalancer (half of those with externalTrafficPolicy
 * Local), as compile.bench.ts's cluster; every endpoint on its own pod address, spread over the
 * nodes, target port 8080.
 */
export function benchCluster(shape: BenchShape, change?: EndpointChange): BenchCluster {
  const nodes = Array.from({ length: shape.nodes }, (_, k) => ({
    name: `node${k}`,
    address: v4(NODE_BASE + k),
    podCIDR: `${v4(POD_BASE + k * POD_BLOCK)}/22`,
  }));
  const services: BenchService[] = [];
  let nodePorts = 0;
  let lbs = 0;
  for (let s = 0; s < shape.services; s++) {
    const type = s % 20 === 0 ? 'LoadBalancer' : s % 20 < 4 ? 'NodePort' : 'ClusterIP';
    const endpoints: BenchEndpoint[] = [];
    for (let b = 0; b < shape.endpointsPerService; b++) {
      const i = s * shape.endpointsPerService + b;
      const k = i % shape.nodes;
      const address = change && change.service === s && change.endpoint === b ? change.address : v4(POD_BASE + k * POD_BLOCK + 2 + Math.floor(i / shape.nodes));
      endpoints.push({ address, node: `node${change && change.service === s && change.endpoint === b ? 0 : k}` });
    }
    const svc: BenchService = {
      namespace: `ns-${s % 50}`,
      name: `svc-${s}`,
      type,
      clusterIP: v4(SERVICE_BASE + 10 + s),
      port: 80,
      targetPort: 8080,
      externalTrafficPolicy: type === 'LoadBalancer' && s % 40 === 0 ? 'Local' : 'Cluster',
      endpoints,
    };
    if (type !== 'ClusterIP') svc.nodePort = NODE_PORT_MIN + nodePorts++;
    if (type === 'LoadBalancer') {
      const n = lbs++;
      svc.loadBalancerIP = v4(LB_POOLS[Math.floor(n / 250)]! + 1 + (n % 250));
      if (svc.externalTrafficPolicy === 'Local') svc.healthCheckNodePort = NODE_PORT_MIN + nodePorts++;
    }
    services.push(svc);
  }
  if (NODE_PORT_MIN + nodePorts - 1 > NODE_PORT_MAX || lbs > 250 * LB_POOLS.length) {
    throw new Error(`benchCluster: ${shape.services} services need more nodePorts or LoadBalancer IPs than the ranges hold`);
  }
  if (Math.ceil((shape.services * shape.endpointsPerService) / shape.nodes) + 2 > POD_BLOCK - 2 - SPARE) {
    throw new Error(`benchCluster: more endpoints per node than a /22 holds; add nodes`);
  }
  return { shape, serviceCIDR: '10.96.0.0/12', podCIDR: '10.64.0.0/10', nodes, services };
}

/** Switchyard's compact spec of the cluster, every allocation written out. */
export function compactSpecYaml(c: BenchCluster): string {
  const out = [
    'cluster:',
    '  name: bench',
    `  serviceCIDRs: {v4: ${c.serviceCIDR}}`,
    '  loadBalancerPools:',
    '    - {name: public, addresses: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24], default: true}',
    'nodes:',
    ...c.nodes.map((n) => `  - {name: ${n.name}, addresses: [${n.address}], podCIDRs: [${n.podCIDR}]}`),
    'services:',
  ];
  for (const s of c.services) {
    out.push(`  - name: ${s.name}`, `    namespace: ${s.namespace}`, `    clusterIPs: [${s.clusterIP}]`);
    if (s.type !== 'ClusterIP') out.push(`    type: ${s.type}`);
    if (s.loadBalancerIP) out.push(`    loadBalancerIPs: [${s.loadBalancerIP}]`);
    if (s.externalTrafficPolicy === 'Local') out.push('    externalTrafficPolicy: Local');
    if (s.healthCheckNodePort) out.push(`    healthCheckNodePort: ${s.healthCheckNodePort}`);
    const nodePort = s.nodePort ? `, nodePort: ${s.nodePort}` : '';
    out.push(`    ports: [{name: http, port: ${s.port}, targetPort: ${s.targetPort}${nodePort}}]`, '    backends:');
    for (const e of s.endpoints) out.push(`      - {address: ${e.address}, node: ${e.node}}`);
  }
  return out.join('\n') + '\n';
}
