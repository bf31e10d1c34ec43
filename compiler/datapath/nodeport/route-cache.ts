// A flow's next hop, cached in its conntrack entry. bpf_fib_lookup is the dearest step of an
// established flow's packet after its lookup (the XDP LB's took 66 ns without this cache, 39 with
// it; tc's 100 and 68: docs/datapath.md). A flow's route rarely changes: its second packet keeps
// what the FIB answered (device, both MACs), later packets take it from the entry they have just
// looked up (a nonzero device: lb.ts's send writes the MACs from the entry straight into the
// frame). ctTouch4/6 drop it whenever they write the lifetime back (every LIFETIME_REFRESH of
// activity), so the FIB is asked again every few seconds and a changed route or neighbour is
// followed within that time. Only SUCCESS is kept: XDP's hand-over to tc and redirect_neigh stay.

/**
 * Keeps the FIB's MACs in an entry. The caller writes the device after this, so that a reader
 * that sees the device (on x86's ordered stores) sees the MACs too.
 * @inline
 */
export function cacheMacs(fib: BpfFibLookup, dmac: FixedArray<u16, 3>, smac: FixedArray<u16, 3>): void {
  for (let i = 0; i < 3; i++) {
    dmac[i] = fib.dmac16[i];
    smac[i] = fib.smac16[i];
  }
}
