// expect: reject: invalid access to map value
// why: the same unrelocated a -> c call, where c reads past the map value: the linked callee must be the one verified.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[8]); } vals SEC(".maps");

NOINLINE int c(__u8 *v, __u32 i) { return ((volatile __u8 *)v)[i & 15]; }
NOINLINE int a(__u8 *v, __u32 i) { return c(v, i) + 1; }

SEC("xdp") int chain(struct xdp_md *ctx) {
  __u32 k = 0;
  __u8 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return XDP_PASS;
  return a(v, ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
