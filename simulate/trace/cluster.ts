// The cluster a trace runs in: every node of a generated/<cluster>/ directory as a simulated
// node, wired on one Ethernet segment with a router that stands for the world outside. Each
// node's devices, addresses and pod CIDRs come from its config.txt (what the compiler specialised
// it with); MACs and the router are invented here, stably, so a trace prints the same each run.
//
//   node i (i from 1, sorted by name): first device ifindex 2, MAC 02:00:00:00:00:<i>; its pods
//   behind one host-side device, ifindex 100, MAC 02:00:00:00:01:<i>.
//   router: 192.0.2.1 / 2001:db8::1, MAC 02:00:00:00:00:fe; every node's default route.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest } from '../../format/manifest.ts';
import { loadSimNode } from '../load.ts';
import type { SimNode } from '../node.ts';
import type { SimNetworkInput, SimRoute } from '../network.ts';
import { seededRandom } from '../random.ts';

export const ROUTER = { v4: '192.0.2.1', v6: '2001:db8::1', mac: '02:00:00:00:00:fe' } as const;
export const POD_IFINDEX = 100;
const FIRST_IFINDEX = 2;

export interface NodeConfig {
  name: string;
  addresses: string[];
  podCIDRs: string[];
  devices: string[];
  northSouthHook: string;
  forwarding: string;
}

export interface ClusterNode {
  config: NodeConfig;
  mac: string;
  podMac: string;
  /** Device name by ifindex. */
  devices: Map<number, string>;
  network: SimNetworkInput;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');
const family = (a: string): 4 | 6 => (a.includes(':') ? 6 : 4);

/** A node's config.txt: `key value` lines, repeated keys collected. */
export function parseNodeConfig(text: string): NodeConfig {
  const all = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [k, ...v] = line.trim().split(/\s+/);
    all.set(k!, [...(all.get(k!) ?? []), v.join(' ')]);
  }
  const one = (k: string): string => all.get(k)?.[0] ?? '';
  return { name: one('name'), addresses: all.get('address') ?? [], podCIDRs: all.get('podCIDR') ?? [], devices: all.get('device') ?? ['eth0'], northSouthHook: one('northSouthHook') || 'tc', forwarding: one('forwarding') };
}

function networkOf(me: ClusterNode, all: ClusterNode[]): SimNetworkInput {
  const routes: SimRoute[] = [];
  const neighbours: NonNullable<SimNetworkInput['neighbours']> = [];
  for (const other of all) {
    if (other === me) continue;
    for (const a of other.config.addresses) {
      routes.push({ dst: `${a}/${family(a) === 4 ? 32 : 128}`, dev: FIRST_IFINDEX });
      neighbours.push({ address: a, mac: other.mac, dev: FIRST_IFINDEX });
    }
    for (const cidr of other.config.podCIDRs) {
      const via = other.config.addresses.find((a) => family(a) === family(cidr));
      if (via) routes.push({ dst: cidr, via, dev: FIRST_IFINDEX });
    }
  }
  for (const cidr of me.config.podCIDRs) routes.push({ dst: cidr, dev: POD_IFINDEX });
  for (const [r, host, any] of [[ROUTER.v4, '/32', '0.0.0.0/0'], [ROUTER.v6, '/128', '::/0']] as const) {
    routes.push({ dst: `${r}${host}`, dev: FIRST_IFINDEX }, { dst: any, via: r, dev: FIRST_IFINDEX });
    neighbours.push({ address: r, mac: ROUTER.mac, dev: FIRST_IFINDEX });
  }
  const devices = [...me.devices].map(([ifindex, name]) => ({ ifindex, name, mac: ifindex === POD_IFINDEX ? me.podMac : me.mac }));
  return { devices, routes, neighbours, local: me.config.addresses };
}

export class TraceCluster {
  readonly nodes = new Map<string, ClusterNode>();
  private readonly sims = new Map<string, Promise<SimNode>>();
  private readonly loaded = new Map<string, SimNode>();
  /** Nanoseconds the cluster's clock has moved since the start. */
  private elapsed = 0;

  constructor(
    readonly dir: string,
    readonly cluster: string,
    configs: NodeConfig[],
    private readonly seed: number,
    /** Record executed instructions and map operations (a trace does; a traffic sample need not). */
    private readonly record = true,
  ) {
    configs.sort((a, b) => (a.name < b.name ? -1 : 1)).forEach((config, i) => {
      const devices = new Map(config.devices.map((d, j) => [FIRST_IFINDEX + j, d] as [number, string]));
      devices.set(POD_IFINDEX, 'pods');
      this.nodes.set(config.name, { config, mac: `02:00:00:00:00:${hex(i + 1)}`, podMac: `02:00:00:00:01:${hex(i + 1)}`, devices, network: {} });
    });
    const list = [...this.nodes.values()];
    for (const n of list) n.network = networkOf(n, list);
  }

  /** The cluster of a generated/<cluster>/ directory (holding manifest.json). */
  static open(dir: string, seed = 1, record = true): TraceCluster {
    const path = join(dir, MANIFEST_FILE);
    if (!existsSync(path)) throw new Error(`${dir} holds no ${MANIFEST_FILE}; give a generated cluster directory such as generated/demo (switchyard compile writes it)`);
    const manifest = parseManifest(readFileSync(path, 'utf8'), path);
    const configs = Object.keys(manifest.nodes).map((name) => {
      const file = join(dir, 'nodes', name, 'config.txt');
      return existsSync(file) ? parseNodeConfig(readFileSync(file, 'utf8')) : { name, addresses: [], podCIDRs: [], devices: ['eth0'], northSouthHook: 'tc', forwarding: '' };
    });
    return new TraceCluster(dir, manifest.cluster, configs, seed, record);
  }

  node(name: string): ClusterNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`node ${name} is not in ${this.dir} (cluster ${this.cluster}); its nodes: ${[...this.nodes.keys()].join(', ')}`);
    return n;
  }

  /** The simulated node, loaded once: its maps (conntrack...) persist across the trace. */
  sim(name: string): Promise<SimNode> {
    this.node(name);
    let s = this.sims.get(name);
    if (!s) {
      s = loadSimNode({ dir: this.dir, node: name, network: this.node(name).network, seed: this.seed, trace: this.record, recordMapOps: this.record }).then((sim) => {
        // One clock for the cluster: a node loaded late starts where the others are.
        sim.advance(this.elapsed);
        this.loaded.set(name, sim);
        return sim;
      });
      this.sims.set(name, s);
    }
    return s;
  }

  /** Moves every node's clock on (conntrack and affinity entries age; jiffies and ktime follow). */
  advance(ns: number): void {
    this.elapsed += ns;
    for (const sim of this.loaded.values()) sim.advance(ns);
  }

  /**
   * Restarts every loaded node's bpf_get_prandom_u32 sequence from `seed`: a sampled flow then
   * picks the same way on both sides of a diff whatever flows ran before it.
   */
  reseed(seed: number): void {
    for (const sim of this.loaded.values()) sim.env.random = seededRandom(seed);
  }

  /** The node whose device has `mac`, with that device's ifindex. */
  byMac(mac: string): { node: ClusterNode; ifindex: number } | undefined {
    for (const n of this.nodes.values()) if (n.mac === mac) return { node: n, ifindex: FIRST_IFINDEX };
    return undefined;
  }

  /** The node owning `address` (one of its addresses), or whose pod CIDR holds it. */
  owner(address: string): ClusterNode | undefined {
    for (const n of this.nodes.values()) if (n.config.addresses.includes(address)) return n;
    return undefined;
  }
}

export { FIRST_IFINDEX };
