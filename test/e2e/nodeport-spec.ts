// The cluster document of the north-south tests and bench: the talk's two nodes (10.0.0.1 with
// pods 10.1.0.0/24, 10.0.0.2 with 10.2.0.0/24), an on-prem LoadBalancer pool, eth0 as device.
// Kept apart from the harness so that the bench, which runs outside ava, can import it.

import type { ClusterOptions } from './nodeport-cluster.ts';

export function clusterYaml(o: Pick<ClusterOptions, 'hook' | 'forwarding' | 'ipv6' | 'hairpin' | 'algorithm'>): string {
  const v6 = !!o.ipv6;
  return `cluster:
  name: ns
  serviceCIDRs:
    v4: 10.5.0.0/16${v6 ? '\n    v6: fd00:10:5::/108' : ''}
  nodePortRange: 30000-32767
  loadBalancerPools:
    - name: onprem
      addresses: [10.3.0.0/24]
      default: true
  datapath:
    forwarding: ${o.forwarding}
    algorithm: ${o.algorithm ?? 'random'}
    northSouthHook: ${o.hook}
    hairpin: ${!!o.hairpin}
    devices: [eth0]
nodes:
  - name: node1
    addresses: [10.0.0.1${v6 ? ', fd00:10::1' : ''}]
    podCIDRs: [10.1.0.0/24${v6 ? ', fd00:10:1::/64' : ''}]
  - name: node2
    addresses: [10.0.0.2${v6 ? ', fd00:10::2' : ''}]
    podCIDRs: [10.2.0.0/24${v6 ? ', fd00:10:2::/64' : ''}]
`;
}

