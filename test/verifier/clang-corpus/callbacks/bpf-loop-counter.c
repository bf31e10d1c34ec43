// expect: accept
// why: a counter in the caller's stack bounds an index the callback checks itself, run after run.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[16]); } vals SEC(".maps");

struct run { __u64 n; __u8 *v; __u64 sum; };

static long visit(__u32 i, void *ctx) {
  struct run *r = ctx;
  if (r->n >= 16) return 1;
  r->sum += r->v[r->n];
  r->n++;
  return 0;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  __u32 k = 0;
  struct run r = { 0, 0, 0 };
  r.v = bpf_map_lookup_elem(&vals, &k);
  if (!r.v) return XDP_PASS;
  bpf_loop(32, visit, &r, 0);
  return r.sum & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
