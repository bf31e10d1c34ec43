// The flows `switchyard diff --traffic` sends to a frontend: a seeded, reproducible sample of
// clients (documentation addresses, random source ports), the same on both sides of the diff.
// Each frontend × entry node gets its own generator, seeded from the seed and their names, so
// adding a frontend to a diff does not change the flows of another.

import { formatAddress } from '../network.ts';
import { seededRandom } from '../random.ts';
import type { PacketSpec } from '../packet/syntax.ts';

export interface Frontend {
  /** The service it belongs to (`ns/name`), for the report. */
  service: string;
  /** `LoadBalancer`, `NodePort`, `ClusterIP`, `ExternalIP`, `HostPort`. */
  kind: string;
  /** `10.3.0.1:80/TCP`, `[::]:10000/TCP`; 0.0.0.0 and :: stand for every node address. */
  address: string;
}

export interface FlowPlan {
  frontend: Frontend;
  /** The node the flows enter (packets) or run on (socket connects). */
  node: string;
  /** ClusterIPs are translated at the socket (connect); the others by packets from outside. */
  via: 'packet' | 'connect';
  flows: PacketSpec[];
}

/** FNV-1a of a string: a stable seed per frontend and node. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function parseFrontendAddress(address: string): { address: string; port: number; proto: 'tcp' | 'udp'; family: 4 | 6 } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)\/(TCP|UDP)$/i.exec(address);
  if (!m) return undefined;
  const a = m[1] ?? m[2]!;
  return { address: a, port: Number(m[3]), proto: m[4]!.toLowerCase() as 'tcp' | 'udp', family: a.includes(':') ? 6 : 4 };
}

/**
 * `count` flows to `frontend` entering `node` (whose addresses stand in for a wildcard), or
 * undefined when the frontend is not one this sampler can address (SCTP, a family the node lacks).
 */
export function sampleFlows(frontend: Frontend, node: { name: string; addresses: string[] }, count: number, seed: number): FlowPlan | undefined {
  const f = parseFrontendAddress(frontend.address);
  if (!f) return undefined;
  let dst = f.address;
  if (dst === '0.0.0.0' || dst === '::') {
    const own = node.addresses.find((a) => a.includes(':') === (f.family === 6));
    if (!own) return undefined;
    dst = own;
  }
  const random = seededRandom(hash(`${seed}/${frontend.kind} ${frontend.address}/${node.name}`));
  const flows: PacketSpec[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const src =
      f.family === 4
        ? `${r & 1 ? '198.51.100' : '203.0.113'}.${1 + ((r >>> 1) % 254)}`
        : formatAddress(new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, r >>> 24, (r >>> 16) & 0xff, (r >>> 8) & 0xff, (r & 0xff) | 1]));
    const sport = 1024 + (random() % (65536 - 1024));
    flows.push({ proto: f.proto, family: f.family, src, dst, sport, dport: f.port, flags: f.proto === 'tcp' ? ['syn'] : [] });
  }
  return { frontend, node: node.name, via: frontend.kind === 'ClusterIP' ? 'connect' : 'packet', flows };
}
