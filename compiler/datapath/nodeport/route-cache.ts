// A flow's next hop, cached in its conntrack entry. bpf_fib_lookup is the dearest step of an
// established flow's packet after its lookup (the XDP LB's took 66 ns without this cache, 39 with
// it; tc's 100 and 68: docs/datapath.md). A flow's route rarely changes: its second packet keeps
// what the FIB answered (device, both MACs), later packets take it from the entry they have just
// looked up. ctTouch4/6 drop it whenever they write the lifetime back (every LIFETIME_REFRESH of
// activity), so the FIB is asked again every few seconds and a changed route or neighbour is
// followed within that time. Only SUCCESS is kept: XDP's hand-over to tc and redirect_neigh stay.

import { ct4_value, ct6_value } from '../lb/index.ts';

/** Fills `fib` from the entry's cached hop; false when there is none. @inline */
export function cachedHop4(e: ct4_value, fib: BpfFibLookup): bool {
  const ifindex = e.ifindex;
  if (ifindex === 0) return false;
  fib.ifindex = ifindex;
  for (let i = 0; i < 3; i++) {
    fib.dmac16[i] = e.dmac[i];
    fib.smac16[i] = e.smac[i];
  }
  return true;
}

/**
 * Keeps the FIB's SUCCESS answer in the entry: the MACs first and the device last, so that a
 * reader that sees the device (on x86's ordered stores) sees the MACs too.
 * @inline
 */
export function cacheHop4(e: ct4_value, fib: BpfFibLookup): void {
  for (let i = 0; i < 3; i++) {
    e.dmac[i] = fib.dmac16[i];
    e.smac[i] = fib.smac16[i];
  }
  e.ifindex = fib.ifindex;
}

/** @inline */
export function cachedHop6(e: ct6_value, fib: BpfFibLookup): bool {
  const ifindex = e.ifindex;
  if (ifindex === 0) return false;
  fib.ifindex = ifindex;
  for (let i = 0; i < 3; i++) {
    fib.dmac16[i] = e.dmac[i];
    fib.smac16[i] = e.smac[i];
  }
  return true;
}

/** @inline */
export function cacheHop6(e: ct6_value, fib: BpfFibLookup): void {
  for (let i = 0; i < 3; i++) {
    e.dmac[i] = fib.dmac16[i];
    e.smac[i] = fib.smac16[i];
  }
  e.ifindex = fib.ifindex;
}
