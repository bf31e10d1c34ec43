// The Maglev table's geometry. Its size is the spec's cluster.datapath.maglevTableSize (a prime),
// and a map value's size is a type: the build stage (compiler/datapath-build/objects.ts) compiles
// a copy of this file with the spec's size in both places. On disk it holds the default.

export const MAGLEV_TABLE_SIZE = 16381;

/** One backend ID per slot, `MAGLEV_TABLE_SIZE` slots. */
export interface lb_maglev_table {
  backend_ids: FixedArray<u32, 16381>;
}
