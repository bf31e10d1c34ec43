// The talk's north-south picture, built from network namespaces for one test: a client outside
// the cluster (198.51.100.0/24), a router, two node namespaces on one L2 segment (10.0.0.1 and
// 10.0.0.2, each with its `eth0`), and pod namespaces behind veth pairs on their nodes. Nothing
// is connected to the host's network; everything is deleted in the test's teardown.
//
//   client 198.51.100.1 ── router ── br0 10.0.0.254 ─┬─ node1 eth0 10.0.0.1 ── pods 10.1.0.x
//   outsider 192.0.2.1 ───┘   (LB pool, ExternalIPs  └─ node2 eth0 10.0.0.2 ── pods 10.2.0.x
//                              routed to a node)
//
// XDP on veth: a frame sent with XDP_TX or XDP_REDIRECT into a veth is handed to the *peer's*
// receive queue through NAPI, and the peer picks it up only when it runs an XDP program itself
// (GRO on the peer alone is not enough on 6.18: XDP_TX frames are never picked up). Without one
// the kernel drops the frame silently. `receiveXdp()` therefore gives every
// peer that XDP frames may land on (the router's ports of the node links, the pods' ends) a
// one-instruction XDP_PASS program, attached by iproute2 from an object our backend writes.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as asm from '../../compiler/bpf/asm.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { uniqueName } from './names.ts';
import { createNetns, makeTempDir, NETNS_TOOLS, type Cleanup, type Netns } from './netns.ts';
import type { Tool } from './tools.ts';

/** The tools buildTopology spawns: ip, and sysctl for forwarding. */
export const NS_TOPOLOGY_TOOLS: readonly Tool[] = [...NETNS_TOOLS, 'sysctl'];

// Checksum offload on veth: a sender's kernel leaves TCP/UDP checksums partial (CHECKSUM_PARTIAL,
// only the pseudo-header sum in the packet) and veth hands the skb on with that promise intact.
// XDP sees raw frames without the promise: a frame it sends back out (XDP_TX, redirect) arrives
// with a checksum the receiver rejects (UdpInCsumErrors), as no real NIC would ever deliver.
// So every namespace that originates traffic here (clients, pods) sends complete checksums:
// ETHTOOL_STXCSUM off on its eth0, through the ethtool ioctl (the ethtool tool is not installed).
const txChecksumOff = `
const koffi = require('koffi');
const libc = koffi.load('libc.so.6');
const socket = libc.func('int socket(int, int, int)');
const ioctl = libc.func('int ioctl(int, unsigned long, void *)');
const value = Buffer.alloc(8);
value.writeUInt32LE(0x17, 0); // ETHTOOL_STXCSUM, data 0: off
const ifr = Buffer.alloc(40);
ifr.write(process.argv[1], 0);
ifr.writeBigUInt64LE(BigInt(koffi.address(value)), 16);
const fd = socket(2, 2, 0);
if (ioctl(fd, 0x8946, ifr) !== 0) { console.error('SIOCETHTOOL ' + process.argv[1] + ': errno ' + koffi.errno()); process.exit(1); }
`;

function txChecksumOffIn(ns: Netns, device: string): void {
  ns.run([process.execPath, '-e', txChecksumOff, device], { cwd: repoRoot });
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PodSpec {
  /** Index into the nodes (0: node1 at 10.0.0.1, 1: node2 at 10.0.0.2). */
  node: number;
  address: string;
  name?: string;
}

export interface TopologyOptions {
  pods: PodSpec[];
  /** Prefixes the router sends to a node (LB pools, ExternalIPs), by node index. */
  routes?: Record<string, number>;
  /** IPv6 as well: client 2001:db8:c::1, nodes fd00:10::1/2, pods fd00:10:<node>::x. */
  ipv6?: boolean;
}

export interface TopoPod {
  name: string;
  ns: Netns;
  address: string;
  address6?: string;
  node: number;
  /** The pod's end (in its namespace) and the node's end of its veth pair. */
  device: string;
  hostDevice: string;
}

export interface TopoNode {
  name: string;
  ns: Netns;
  address: string;
  address6?: string;
  /** `eth0` in the node's namespace. */
  device: string;
  /** The router's end of the node's link (a port of br0). */
  routerPort: string;
  podCidr: string;
}

export interface Topology {
  client: Netns;
  clientAddress: string;
  clientAddress6?: string;
  /** A second external client, outside every loadBalancerSourceRanges a test declares. */
  outsider: Netns;
  outsiderAddress: string;
  router: Netns;
  nodes: TopoNode[];
  pods: TopoPod[];
  /** Lets XDP_TX / XDP_REDIRECT frames arrive at the router's ports and the pods (see top). */
  receiveXdp(): void;
  /**
   * An XDP_PASS program on node `i`'s uplink, where Switchyard's XDP program would sit: the
   * link's conditions without its work (attaching XDP to a veth turns TSO off on its peer, so
   * TCP crosses it in MTU-sized frames). For benches that compare tc or iptables with XDP.
   */
  xdpPassOnNode(i: number): void;
}

const sysctl = (ns: Netns, kv: string[]) => ns.run(['sysctl', '-q', '-w', ...kv]);

export function buildTopology(t: Cleanup, o: TopologyOptions): Topology {
  const router = createNetns(t, 'syr');
  const client = createNetns(t, 'syc');
  const outsider = createNetns(t, 'syo');
  const v6 = !!o.ipv6;
  sysctl(router, ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0', 'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0']);
  if (v6) sysctl(router, ['net.ipv6.conf.all.forwarding=1']);

  router.run(['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  router.run(['ip', 'addr', 'add', '10.0.0.254/24', 'dev', 'br0']);
  if (v6) router.run(['ip', '-6', 'addr', 'add', 'fd00:10::fe/64', 'dev', 'br0', 'nodad']);
  router.run(['ip', 'link', 'set', 'br0', 'up']);

  const external = (ns: Netns, addr: string, gw: string, addr6?: string, gw6?: string) => {
    const port = uniqueName('rx');
    ns.run(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', port, 'netns', router.name]);
    ns.run(['ip', 'addr', 'add', addr, 'dev', 'eth0']);
    ns.run(['ip', 'link', 'set', 'eth0', 'up']);
    router.run(['ip', 'addr', 'add', gw + addr.slice(addr.indexOf('/')), 'dev', port]);
    router.run(['ip', 'link', 'set', port, 'up']);
    ns.run(['ip', 'route', 'add', 'default', 'via', gw]);
    txChecksumOffIn(ns, 'eth0');
    if (addr6 && gw6) {
      ns.run(['ip', '-6', 'addr', 'add', addr6, 'dev', 'eth0', 'nodad']);
      router.run(['ip', '-6', 'addr', 'add', gw6 + '/64', 'dev', port, 'nodad']);
      ns.run(['ip', '-6', 'route', 'add', 'default', 'via', gw6]);
    }
  };
  external(client, '198.51.100.1/24', '198.51.100.254', v6 ? '2001:db8:c::1/64' : undefined, '2001:db8:c::fe');
  external(outsider, '192.0.2.1/24', '192.0.2.254');

  const nodes: TopoNode[] = [0, 1].map((i) => {
    const ns = createNetns(t, `syn${i + 1}`);
    const address = `10.0.0.${i + 1}`;
    const routerPort = uniqueName(`rn${i + 1}`);
    sysctl(ns, ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    if (v6) sysctl(ns, ['net.ipv6.conf.all.forwarding=1']);
    ns.run(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', routerPort, 'netns', router.name]);
    ns.run(['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    ns.run(['ip', 'link', 'set', 'eth0', 'up']);
    ns.run(['ip', 'route', 'add', 'default', 'via', '10.0.0.254']);
    router.run(['ip', 'link', 'set', routerPort, 'master', 'br0']);
    router.run(['ip', 'link', 'set', routerPort, 'up']);
    router.run(['ip', 'route', 'add', `10.${i + 1}.0.0/24`, 'via', address]);
    const node: TopoNode = { name: `node${i + 1}`, ns, address, device: 'eth0', routerPort, podCidr: `10.${i + 1}.0.0/24` };
    if (v6) {
      node.address6 = `fd00:10::${i + 1}`;
      ns.run(['ip', '-6', 'addr', 'add', `${node.address6}/64`, 'dev', 'eth0', 'nodad']);
      ns.run(['ip', '-6', 'route', 'add', 'default', 'via', 'fd00:10::fe']);
      router.run(['ip', '-6', 'route', 'add', `fd00:10:${i + 1}::/64`, 'via', node.address6]);
    }
    return node;
  });
  // Each node reaches the other's pods directly on the shared segment.
  nodes[0]!.ns.run(['ip', 'route', 'add', '10.2.0.0/24', 'via', '10.0.0.2']);
  nodes[1]!.ns.run(['ip', 'route', 'add', '10.1.0.0/24', 'via', '10.0.0.1']);
  if (v6) {
    nodes[0]!.ns.run(['ip', '-6', 'route', 'add', 'fd00:10:2::/64', 'via', 'fd00:10::2']);
    nodes[1]!.ns.run(['ip', '-6', 'route', 'add', 'fd00:10:1::/64', 'via', 'fd00:10::1']);
  }
  for (const [prefix, i] of Object.entries(o.routes ?? {})) {
    router.run(['ip', ...(prefix.includes(':') ? ['-6'] : []), 'route', 'add', prefix, 'via', prefix.includes(':') ? nodes[i]!.address6! : nodes[i]!.address]);
  }

  const pods = o.pods.map((p, k) => addPod(t, nodes[p.node]!, p, k, v6));

  let xdpReady = false;
  return {
    client,
    clientAddress: '198.51.100.1',
    ...(v6 ? { clientAddress6: '2001:db8:c::1' } : {}),
    outsider,
    outsiderAddress: '192.0.2.1',
    router,
    nodes,
    pods,
    receiveXdp() {
      if (xdpReady) return;
      xdpReady = true;
      const obj = xdpPassObject(t);
      for (const n of nodes) router.run(['ip', 'link', 'set', 'dev', n.routerPort, 'xdp', 'obj', obj, 'sec', 'xdp']);
      for (const p of pods) p.ns.run(['ip', 'link', 'set', 'dev', p.device, 'xdp', 'obj', obj, 'sec', 'xdp']);
    },
    xdpPassOnNode(i) {
      const n = nodes[i]!;
      n.ns.run(['ip', 'link', 'set', 'dev', n.device, 'xdp', 'obj', xdpPassObject(t), 'sec', 'xdp']);
    },
  };
}

/**
 * A pod: its own namespace, `eth0` with a /32 (and a v6 /128), a default route through a
 * link-local gateway that the node's end of the veth answers for, and the node's route to it.
 */
function addPod(t: Cleanup, node: TopoNode, p: PodSpec, k: number, v6: boolean): TopoPod {
  const ns = createNetns(t, 'syp');
  const hostDevice = uniqueName('lxc');
  ns.run(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', hostDevice, 'netns', node.ns.name]);
  ns.run(['ip', 'addr', 'add', `${p.address}/32`, 'dev', 'eth0']);
  ns.run(['ip', 'link', 'set', 'eth0', 'up']);
  txChecksumOffIn(ns, 'eth0');
  ns.run(['ip', 'route', 'add', '169.254.1.1', 'dev', 'eth0', 'scope', 'link']);
  ns.run(['ip', 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0']);
  node.ns.run(['ip', 'addr', 'add', '169.254.1.1/32', 'dev', hostDevice]);
  node.ns.run(['ip', 'link', 'set', hostDevice, 'up']);
  node.ns.run(['ip', 'route', 'add', `${p.address}/32`, 'dev', hostDevice, 'scope', 'link']);
  const pod: TopoPod = { name: p.name ?? `pod${k + 1}`, ns, address: p.address, node: nodeIndex(node), device: 'eth0', hostDevice };
  if (v6) {
    const last = p.address.split('.')[3];
    pod.address6 = `fd00:10:${nodeIndex(node) + 1}::${last}`;
    ns.run(['ip', '-6', 'addr', 'add', `${pod.address6}/128`, 'dev', 'eth0', 'nodad']);
    ns.run(['ip', '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'eth0']);
    node.ns.run(['ip', '-6', 'addr', 'add', 'fe80::1/64', 'dev', hostDevice, 'nodad']);
    node.ns.run(['ip', '-6', 'route', 'add', `${pod.address6}/128`, 'dev', hostDevice]);
  }
  return pod;
}

function nodeIndex(n: TopoNode): number {
  return n.address === '10.0.0.1' ? 0 : 1;
}

/** An ELF with one program, `xdp_pass` (return XDP_PASS), for iproute2 to attach. */
function xdpPassObject(t: Cleanup): string {
  const dir = makeTempDir(t, 'sy-xdp-pass-');
  const path = join(dir, 'pass.o');
  const o = buildObject({ maps: [], functions: [], programs: [{ name: 'xdp_pass', section: 'xdp', items: [asm.mov64(R0, 2), asm.exit()] }] });
  writeFileSync(path, o.elf);
  return path;
}

/**
 * A long-running process inside a namespace (a server), killed by its own pid in teardown.
 * Resolves once the process printed `ready` on stdout. The wait is long because it measures
 * nothing: on a 2-core machine running every e2e topology at once, starting Node.js servers in
 * a dozen namespaces took more than 30 s.
 */
export function startIn(t: Cleanup, ns: Netns, argv: string[]): Promise<ChildProcess> {
  const child = spawn(ns.enter[0]!, [...ns.enter.slice(1), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${argv.join(' ')}: not ready after 90 s: ${err}`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited with ${code} before it was ready: ${err}`));
    });
  });
}
