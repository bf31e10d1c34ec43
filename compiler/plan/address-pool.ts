// First-free allocation over ordered address ranges (a service CIDR, a LoadBalancer pool), as
// MetalLB hands out the lowest free address. A cursor moves forward only, so a compile that
// allocates n addresses past t taken ones costs O(n + t), not O(n × t).

import { addressFromBigInt, addressToBigInt, parseAddress, parseCidr, type Address, type Cidr, type Family } from '../model/address.ts';

export interface AddressRange {
  family: Family;
  first: bigint;
  last: bigint;
}

/**
 * The usable addresses of a prefix: the network address is skipped (and the IPv4 broadcast
 * address), as Kubernetes does for service CIDRs and MetalLB's avoid-buggy-IPs does for pools,
 * except in /31, /32, /127 and /128 where every address is a host.
 */
export function cidrRange(c: Cidr): AddressRange {
  const bits = c.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - c.prefix);
  const first = addressToBigInt(c.network);
  const last = first + (1n << hostBits) - 1n;
  if (hostBits <= 1n) return { family: c.family, first, last };
  return { family: c.family, first: first + 1n, last: c.family === 4 ? last - 1n : last };
}

/** A pool entry: a CIDR or `first-last`; undefined when it is neither. */
export function parsePoolEntry(text: string): AddressRange | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const c = parseCidr(text, true);
    return c ? cidrRange(c) : undefined;
  }
  const a = parseAddress(text.slice(0, dash).trim());
  const b = parseAddress(text.slice(dash + 1).trim());
  if (!a || !b || a.family !== b.family) return undefined;
  const first = addressToBigInt(a);
  const last = addressToBigInt(b);
  return first <= last ? { family: a.family, first, last } : undefined;
}

export class AddressPool {
  private rangeIndex = 0;
  private cursor: bigint;

  /**
   * All ranges must be of `family`. Pools that may overlap (LoadBalancer pools) share one
   * `taken` set, so no address is handed out twice.
   */
  constructor(
    readonly family: Family,
    readonly ranges: readonly AddressRange[],
    private readonly taken = new Set<bigint>(),
  ) {
    this.cursor = ranges[0]?.first ?? 0n;
  }

  contains(a: Address): boolean {
    if (a.family !== this.family) return false;
    const v = addressToBigInt(a);
    return this.ranges.some((r) => v >= r.first && v <= r.last);
  }

  /** Marks an address used; false when it already was. Addresses outside the ranges are fine. */
  take(a: Address): boolean {
    const v = addressToBigInt(a);
    if (this.taken.has(v)) return false;
    this.taken.add(v);
    return true;
  }

  isTaken(a: Address): boolean {
    return this.taken.has(addressToBigInt(a));
  }

  /** The lowest free address at or after the cursor; undefined when the ranges are used up. */
  allocate(): Address | undefined {
    while (this.rangeIndex < this.ranges.length) {
      const r = this.ranges[this.rangeIndex]!;
      while (this.cursor <= r.last) {
        const v = this.cursor++;
        if (!this.taken.has(v)) {
          this.taken.add(v);
          return addressFromBigInt(this.family, v);
        }
      }
      this.rangeIndex++;
      this.cursor = this.ranges[this.rangeIndex]?.first ?? 0n;
    }
    return undefined;
  }
}
