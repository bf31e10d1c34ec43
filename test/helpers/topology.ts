// The talk's two-node cluster, built from network namespaces for one test: two "nodes" joined by
// a veth (eth0 on each side: 10.0.0.1 and 10.0.0.2, fd00:10::1 and ::2), pods in their own
// namespaces behind veths (node1: 10.1.0.0/24, node2: 10.2.0.0/24, and fd00:10:1::/64,
// fd00:10:2::/64), routes between the nodes, and a cgroup per node that holds the processes the
// node's socket LB applies to. Everything is created under unique names and removed in teardown.
// Free of ava (benches build it too): it takes anything with a `teardown`, as ava's `t` has.

import { createCgroup, type TestCgroup } from './cgroup.ts';
import { uniqueName } from './names.ts';
import { createNetns, NETNS_TOOLS, type Cleanup, type Netns } from './netns.ts';
import type { Tool } from './tools.ts';

export type { Netns };

/** The tools buildTopology spawns: ip, and sysctl for forwarding. */
export const TOPOLOGY_TOOLS: readonly Tool[] = [...NETNS_TOOLS, 'sysctl'];

/** Where cleanups go: ava's ExecutionContext, or a bench's own list. */
export type Teardown = Cleanup;

export type NodeCgroup = TestCgroup;

export interface Pod {
  name: string;
  node: string;
  ns: Netns;
  v4: string;
  v6: string;
}

export interface TopologyNode {
  name: string;
  ns: Netns;
  v4: string;
  v6: string;
  /** The uplink to the other node, as the spec's default `devices: [eth0]` names it. */
  device: string;
  cgroup: NodeCgroup;
  pods: Pod[];
}

export interface Topology {
  nodes: TopologyNode[];
  pods: Pod[];
  node(name: string): TopologyNode;
  pod(name: string): Pod;
}

export interface PodShape {
  name: string;
  v4: string;
  v6: string;
}

export interface NodeShape {
  name: string;
  v4: string;
  v6: string;
  /** The node's pod CIDRs, routed to it by the other node. */
  podCidr4: string;
  podCidr6: string;
  pods: PodShape[];
}

/** The talk's picture: node1 with pods 10.1.0.1 and 10.1.0.2, node2 with 10.2.0.1 and 10.2.0.2. */
export const TALK_SHAPE: readonly NodeShape[] = [
  {
    name: 'node1',
    v4: '10.0.0.1',
    v6: 'fd00:10::1',
    podCidr4: '10.1.0.0/24',
    podCidr6: 'fd00:10:1::/64',
    pods: [
      { name: 'pod1', v4: '10.1.0.1', v6: 'fd00:10:1::1' },
      { name: 'pod2', v4: '10.1.0.2', v6: 'fd00:10:1::2' },
    ],
  },
  {
    name: 'node2',
    v4: '10.0.0.2',
    v6: 'fd00:10::2',
    podCidr4: '10.2.0.0/24',
    podCidr6: 'fd00:10:2::/64',
    pods: [
      { name: 'pod3', v4: '10.2.0.1', v6: 'fd00:10:2::1' },
      { name: 'pod4', v4: '10.2.0.2', v6: 'fd00:10:2::2' },
    ],
  },
];

/** The node-side gateway of its pods: the .254 / ::ffff of the pod CIDR, on every pod veth. */
const gateway4 = (cidr: string): string => cidr.split('/')[0]!.replace(/\.0$/, '.254');
const gateway6 = (cidr: string): string => `${cidr.split('/')[0]!.replace(/::$/, '')}::ffff`;

function forwarding(ns: Netns): void {
  ns.run(['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
}

/** Builds the topology; `shape` defaults to the talk's two nodes with two pods each. */
export function buildTopology(t: Teardown, shape: readonly NodeShape[] = TALK_SHAPE): Topology {
  if (shape.length !== 2) throw new Error('buildTopology: the node link joins exactly two nodes');
  const nodes: TopologyNode[] = shape.map((s) => {
    const ns = createNetns(t, `sy-${s.name}`);
    forwarding(ns);
    return { name: s.name, ns, v4: s.v4, v6: s.v6, device: 'eth0', cgroup: createCgroup(t, `sy-${s.name}`), pods: [] };
  });

  // The node link: a veth whose ends are both called eth0, one in each node.
  const [a, b] = nodes as [TopologyNode, TopologyNode];
  const tmpA = uniqueName('syna');
  const tmpB = uniqueName('synb');
  a.ns.run(['ip', 'link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB, 'netns', b.ns.name]);
  a.ns.run(['ip', 'link', 'set', tmpA, 'name', 'eth0']);
  b.ns.run(['ip', 'link', 'set', tmpB, 'name', 'eth0']);
  for (const [n, other, s, os] of [
    [a, b, shape[0]!, shape[1]!],
    [b, a, shape[1]!, shape[0]!],
  ] as const) {
    n.ns.run(['ip', 'addr', 'add', `${n.v4}/24`, 'dev', 'eth0']);
    n.ns.run(['ip', '-6', 'addr', 'add', `${n.v6}/64`, 'dev', 'eth0', 'nodad']);
    n.ns.run(['ip', 'link', 'set', 'eth0', 'up']);
    n.ns.run(['ip', 'route', 'add', os.podCidr4, 'via', other.v4]);
    n.ns.run(['ip', '-6', 'route', 'add', os.podCidr6, 'via', other.v6]);
    for (const p of s.pods) n.pods.push(addPod(t, n, s, p));
  }
  const pods = nodes.flatMap((n) => n.pods);
  return {
    nodes,
    pods,
    node: (name) => nodes.find((n) => n.name === name) ?? fail(`no node ${name}`),
    pod: (name) => pods.find((p) => p.name === name) ?? fail(`no pod ${name}`),
  };
}

/** A pod: its own namespace, eth0 with /32 and /128 addresses, default routes to the node. */
function addPod(t: Teardown, node: TopologyNode, s: NodeShape, p: PodShape): Pod {
  const ns = createNetns(t, `sy-${p.name}`);
  const hostSide = uniqueName('syp');
  const gw4 = gateway4(s.podCidr4);
  const gw6 = gateway6(s.podCidr6);
  node.ns.run(['ip', 'link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name]);
  node.ns.run(['ip', 'addr', 'add', `${gw4}/32`, 'dev', hostSide]);
  node.ns.run(['ip', '-6', 'addr', 'add', `${gw6}/128`, 'dev', hostSide, 'nodad']);
  node.ns.run(['ip', 'link', 'set', hostSide, 'up']);
  node.ns.run(['ip', 'route', 'add', `${p.v4}/32`, 'dev', hostSide]);
  node.ns.run(['ip', '-6', 'route', 'add', `${p.v6}/128`, 'dev', hostSide]);
  ns.run(['ip', 'addr', 'add', `${p.v4}/32`, 'dev', 'eth0']);
  ns.run(['ip', '-6', 'addr', 'add', `${p.v6}/128`, 'dev', 'eth0', 'nodad']);
  ns.run(['ip', 'link', 'set', 'eth0', 'up']);
  ns.run(['ip', 'route', 'add', gw4, 'dev', 'eth0']);
  ns.run(['ip', 'route', 'add', 'default', 'via', gw4]);
  ns.run(['ip', '-6', 'route', 'add', gw6, 'dev', 'eth0']);
  ns.run(['ip', '-6', 'route', 'add', 'default', 'via', gw6]);
  return { name: p.name, node: node.name, ns, v4: p.v4, v6: p.v6 };
}

function fail(message: string): never {
  throw new Error(`topology: ${message}`);
}

/**
 * The talk's cluster and nodes as spec YAML (`datapath` lines indented by four), for tests'
 * services. `devices` (default none: socket LB only) puts the north-south programs on eth0.
 */
export function talkClusterYaml(name: string, datapath = '', devices: string[] = []): string {
  const nodes = TALK_SHAPE.map((n) => `  - name: ${n.name}\n    addresses: [${n.v4}, ${n.v6}]\n    podCIDRs: [${n.podCidr4}, ${n.podCidr6}]`).join('\n');
  return `cluster:
  name: ${name}
  serviceCIDRs: { v4: 10.5.0.0/16, v6: 'fd00:10:5::/108' }
  loadBalancerPools:
    - { name: onprem, addresses: [10.3.0.0/24, 'fd00:10:3::/120'], default: true }
  datapath:
    devices: [${devices.join(', ')}]
${datapath}
nodes:
${nodes}
`;
}
