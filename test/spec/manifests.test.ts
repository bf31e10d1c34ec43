// Kubernetes manifests in detail: MetalLB's annotations, EndpointSlice conditions, addresses and
// hints, node zones, and which pod ports become hostPorts.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { loadSpec } from '../../compiler/spec/load.ts';

const CLUSTER = `cluster:
  name: manifests
  serviceCIDRs: {v4: 10.96.0.0/12, v6: fd00:96::/108}
  loadBalancerPools:
    - {name: public, addresses: [198.51.100.0/24, 2001:db8::/120]}
nodes:
  - {name: node1, addresses: [10.0.0.1, fd00::1], podCIDRs: [10.244.0.0/24, fd00:244::/64]}
`;

function load(manifests: string) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-manifests-'));
  try {
    writeFileSync(join(dir, 'cluster.yaml'), CLUSTER);
    writeFileSync(join(dir, 'objects.yaml'), manifests);
    const r = loadSpec([dir]);
    return { spec: r.spec, diagnostics: r.diagnostics.map((d) => formatDiagnostic({ ...d, range: undefined })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('MetalLB annotations (both prefixes) and spec.loadBalancerIP give the addresses and the pool', (t) => {
  const { spec, diagnostics } = load(`
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: retail
  annotations:
    metallb.io/loadBalancerIPs: "198.51.100.5, 2001:db8::5"
    metallb.io/address-pool: public
spec:
  type: LoadBalancer
  clusterIPs: [10.96.0.5, fd00:96::5]
  loadBalancerIP: 198.51.100.5
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata:
  name: old-style
  namespace: retail
  annotations:
    metallb.universe.tf/loadBalancerIPs: 198.51.100.6
    metallb.universe.tf/address-pool: public
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.6
  ports: [{port: 80, protocol: TCP, targetPort: 80}]
`);
  t.deepEqual(diagnostics, []);
  const [old, shop] = spec!.services;
  t.deepEqual([shop!.loadBalancerIPs, shop!.loadBalancerPool, shop!.ports[0]!.nodePort], [['198.51.100.5', '2001:db8::5'], 'public', 30080]);
  t.deepEqual([old!.loadBalancerIPs, old!.loadBalancerPool, old!.clusterIPs], [['198.51.100.6'], 'public', ['10.96.0.6']]);
});

test('status.loadBalancer.ingress is read as the cluster wrote it: IPs, hostnames, ipMode; bad addresses warn', (t) => {
  const { spec, diagnostics } = load(`
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: retail}
spec:
  type: LoadBalancer
  allocateLoadBalancerNodePorts: false
  loadBalancerClass: example.com/other
  clusterIPs: [10.96.0.5]
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
status:
  conditions: []
  loadBalancer:
    ingress:
      - {ip: 198.51.100.77, ipMode: VIP, ports: [{port: 80, protocol: TCP}]}
      - {ip: 198.51.100.78, ipMode: Proxy}
      - {hostname: lb.example.com}
      - {ip: 198.51.100.300}
---
apiVersion: v1
kind: Service
metadata: {name: pending, namespace: retail}
spec:
  type: LoadBalancer
  clusterIPs: [10.96.0.6]
  ports: [{port: 80, protocol: TCP, targetPort: 80, nodePort: 30080}]
status:
  loadBalancer: {}
`);
  t.deepEqual(diagnostics, ['warning SY1082: Service retail/shop: status.loadBalancer.ingress ip "198.51.100.300" is not an IP address (300 is more than 255); ignored, as kube-proxy ignores it']);
  const [pending, shop] = spec!.services;
  t.deepEqual(shop!.loadBalancerIngress!.map((e) => [e.ip, e.hostname, e.ipMode]), [
    ['198.51.100.77', undefined, 'VIP'],
    ['198.51.100.78', undefined, 'Proxy'],
    [undefined, 'lb.example.com', 'VIP'],
    [undefined, undefined, 'VIP'],
  ]);
  t.deepEqual([shop!.allocateLoadBalancerNodePorts, shop!.loadBalancerClass], [false, 'example.com/other']);
  t.deepEqual([pending!.loadBalancerIngress, pending!.allocateLoadBalancerNodePorts, pending!.loadBalancerClass], [undefined, true, undefined], 'an empty status is no status');
});

test('EndpointSlice conditions follow the API defaults; an address in two slices stays one entry per slice, slices in name order', (t) => {
  const { spec, diagnostics } = load(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}, {name: dns, port: 53, protocol: UDP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-b, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
  - addresses: [10.244.0.5]
    nodeName: node1
ports: [{name: dns, port: 53, protocol: UDP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-a, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
  - addresses: [10.244.0.5]
    nodeName: node1
  - addresses: [10.244.0.6]
    conditions: {ready: false}
  - addresses: [10.244.0.7]
    conditions: {ready: false, serving: true, terminating: true}
ports: [{name: http, port: 8080, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-empty, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv6
endpoints: null
ports: null
`);
  t.deepEqual(diagnostics, []);
  const b = spec!.services[0]!.backends;
  t.deepEqual(b.map((x) => [x.address, x.slice, x.node, x.ready, x.serving, x.terminating]), [
    ['10.244.0.5', 'web-a', 'node1', true, true, false],
    ['10.244.0.5', 'web-b', 'node1', true, true, false],
    ['10.244.0.6', 'web-a', undefined, false, true, false],
    ['10.244.0.7', 'web-a', undefined, false, true, true],
  ]);
  t.deepEqual(b.map((x) => x.ports.map((p) => p.name)), [['http'], ['dns'], ['http'], ['http']]);
});

test('an endpoint is its first address, with its hints; a node takes its zone from the topology label', (t) => {
  const { spec, diagnostics } = load(`
apiVersion: v1
kind: Node
metadata:
  name: node2
  labels: {topology.kubernetes.io/zone: zone-b, kubernetes.io/hostname: node2}
status:
  addresses: [{type: InternalIP, address: 10.0.0.2}]
---
apiVersion: v1
kind: Node
metadata:
  name: node3
  labels: {topology.kubernetes.io/zone: ""}
status:
  addresses: [{type: InternalIP, address: 10.0.0.3}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  clusterIP: 10.96.0.10
  trafficDistribution: PreferSameNode
  ports: [{name: "", port: 80, protocol: TCP, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-a, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
  - addresses: [10.244.0.5, 10.244.0.50]
    nodeName: node2
    zone: zone-b
    hints:
      forZones: [{name: zone-b}]
      forNodes: [{name: node2}]
  - addresses: [10.244.0.6]
    hints: {forZones: [{name: zone-a}, {name: zone-b}]}
ports: [{name: "", port: 8080, protocol: TCP}]
`);
  t.deepEqual(diagnostics, [
    'warning SY1069: EndpointSlice default/web-a endpoints[0].addresses[1]: only the endpoint\'s first address (10.244.0.5) is a backend; kube-proxy ignores the others, and so does Switchyard\n  give each address an endpoint of its own if each should take traffic',
  ]);
  t.deepEqual(spec!.services[0]!.backends.map((x) => [x.address, x.hints]), [
    ['10.244.0.5', { forZones: ['zone-b'], forNodes: ['node2'] }],
    ['10.244.0.6', { forZones: ['zone-a', 'zone-b'], forNodes: [] }],
  ]);
  t.deepEqual(spec!.nodes.map((n) => [n.name, n.zone]), [['node1', undefined], ['node2', 'zone-b'], ['node3', undefined]]);
});

test('pod hostPorts: one mapping per pod address family, narrowed by hostIP; host-network pods need none', (t) => {
  const { spec, diagnostics } = load(`
apiVersion: v1
kind: Pod
metadata: {name: edge, namespace: ingress}
spec:
  nodeName: node1
  containers:
    - name: proxy
      ports:
        - {containerPort: 8443, hostPort: 443, protocol: TCP}
        - {containerPort: 8444, hostPort: 444, hostIP: 10.0.0.1, protocol: UDP}
        - {containerPort: 9000}
status:
  phase: Running
  podIP: 10.244.0.9
  podIPs: [{ip: 10.244.0.9}, {ip: "fd00:244::9"}]
---
apiVersion: v1
kind: Pod
metadata: {name: node-exporter, namespace: monitoring}
spec:
  nodeName: node1
  hostNetwork: true
  containers:
    - name: exporter
      ports: [{containerPort: 9100, hostPort: 9100, protocol: TCP}]
status:
  podIP: 10.0.0.1
`);
  t.deepEqual(diagnostics, []);
  t.deepEqual(spec!.hostPorts.map((h) => `${h.node} ${h.hostIP ?? '*'}:${h.hostPort}/${h.protocol} -> ${h.podAddress}:${h.podPort} ${h.pod}`), [
    'node1 *:443/TCP -> 10.244.0.9:8443 ingress/edge',
    'node1 *:443/TCP -> fd00:244::9:8443 ingress/edge',
    'node1 10.0.0.1:444/UDP -> 10.244.0.9:8444 ingress/edge',
  ]);
});

test('a compact node takes its zone from zone:, an empty one being no zone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-zones-'));
  try {
    writeFileSync(join(dir, 'cluster.yaml'), `${CLUSTER}  - {name: node2, addresses: [10.0.0.2], zone: zone-b}\n  - {name: node3, addresses: [10.0.0.3], zone: ""}\n`);
    const r = loadSpec([dir]);
    t.deepEqual(r.diagnostics.map((d) => formatDiagnostic(d)), []);
    t.deepEqual(r.spec!.nodes.map((n) => [n.name, n.zone]), [['node1', undefined], ['node2', 'zone-b'], ['node3', undefined]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a cluster: document, SY1035 suggests the range of ServiceCIDR "kubernetes" when the inputs hold it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-manifests-'));
  try {
    writeFileSync(join(dir, 'objects.yaml'), `apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: extra}
spec: {cidrs: [10.112.0.0/24]}
---
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: kubernetes}
spec: {cidrs: [10.100.0.0/16, fd00:100::/108]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIPs: [10.112.0.9], ports: [{port: 80}]}
`);
    const text = loadSpec([dir]).diagnostics.map((d) => formatDiagnostic({ ...d, range: undefined })).join('\n');
    t.regex(text, /SY1035/);
    t.regex(text, /v4: 10\.100\.0\.0\/16\n\s+v6: fd00:100::\/108/);
    t.regex(text, /come from ServiceCIDR kubernetes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
