// expect: reject: invalid access to map value
// why: only the second run of the callback reads out of bounds: the callback must be verified as running more than once.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[8]); } vals SEC(".maps");

struct run { __u64 step; __u8 *v; };

static long visit(__u32 i, void *ctx) {
  struct run *r = ctx;
  if (r->step == 1) return ((volatile __u8 *)r->v)[8];
  r->step = 1;
  return 0;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  __u32 k = 0;
  struct run r = { 0, 0 };
  r.v = bpf_map_lookup_elem(&vals, &k);
  if (!r.v) return XDP_PASS;
  bpf_loop(4, visit, &r, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
