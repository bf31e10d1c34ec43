// The names kube-proxy gives a service port and its endpoints, shared by the two rule-set
// generators (kube-proxy-iptables.ts, kube-proxy-nftables.ts). kube-proxy documents its chain
// names as a prefix plus the base32 form of a SHA-256 hash, truncated (16 characters for
// iptables, whose chain names are limited to 28 bytes; 8 for nftables, which appends the
// readable name); the exact hash input does not change what the programs cost.

import { createHash } from 'node:crypto';
import type { BenchCluster, BenchEndpoint, BenchService } from './bench-cluster.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding) of `bytes`. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function hashName(input: string, length: number): string {
  return base32(createHash('sha256').update(input).digest()).slice(0, length);
}

/** "ns/name:port", kube-proxy's ServicePortName as it prints in comments. */
export const portName = (s: BenchService): string => `${s.namespace}/${s.name}:http`;

/** The endpoint as kube-proxy prints it: "ip:port". */
export const endpointString = (s: BenchService, e: BenchEndpoint): string => `${e.address}:${s.targetPort}`;

/** The endpoints kube-proxy on `node` uses for a Local policy: those on the node itself. */
export const localEndpoints = (s: BenchService, node: string): BenchEndpoint[] => s.endpoints.filter((e) => e.node === node);

/** The probability kube-proxy's iptables proxier gives rule i of n (the rest of the chain's share). */
export const probability = (n: number): string => (1 / n).toFixed(10);

/** The services (by port name) whose endpoints differ between two versions of one cluster. */
export function changedServices(before: BenchCluster, after: BenchCluster): Set<string> {
  const key = (s: BenchService) => s.endpoints.map((e) => `${e.address}@${e.node}`).join(',');
  return new Set(after.services.filter((s, i) => key(s) !== key(before.services[i]!)).map(portName));
}
