// Which destinations are this node's own: the talk's wildcard lookup exposes NodePorts (and
// HostPorts without a hostIP) on every local address and on loopback. The node's addresses are
// data (the node_config map), not code, so one object serves every node.

import { node_config } from './maps.ts';

/** 0.0.0.0 (connect() reads it as this host), 127.0.0.0/8, or one of the node's addresses. */
export function isNodeAddress4(addr: be32): bool {
  if (addr === be32(0) || ntohl(addr) >> 24 === 127) return true;
  const cfg = node_config.lookup(0);
  if (!cfg) return false;
  for (let i = 0; i < 4; i++) {
    if (cfg.ipv4[i] === addr) return true;
  }
  return false;
}

/** ::, ::1, or one of the node's IPv6 addresses (v4-mapped ones go through isNodeAddress4). */
export function isNodeAddress6(addr: FixedArray<be32, 4>): bool {
  const head = addr[0] | addr[1] | addr[2];
  if (head === be32(0) && (addr[3] === be32(0) || addr[3] === htonl(1))) return true;
  const cfg = node_config.lookup(0);
  if (!cfg) return false;
  for (let i = 0; i < 4; i++) {
    const a = cfg.ipv6[i];
    if (a[0] === addr[0] && a[1] === addr[1] && a[2] === addr[2] && a[3] === addr[3] && (a[0] | a[1] | a[2] | a[3]) !== be32(0)) return true;
  }
  return false;
}

/** @inline */
export function sameAddress4(a: be32, b: be32): bool {
  return a === b;
}

/** @inline */
export function sameAddress6(a: FixedArray<be32, 4>, b: FixedArray<be32, 4>): bool {
  return equal(a, b);
}

/**
 * The unspecified address (a wildcard frontend, a bind to any address).
 * @inline
 */
export function isAnyAddress4(a: be32): bool {
  return a === be32(0);
}

/** @inline */
export function isAnyAddress6(a: FixedArray<be32, 4>): bool {
  return (a[0] | a[1] | a[2] | a[3]) === be32(0);
}
