// expect: accept
// why: a 4-byte fetch-and-add (BPF_FETCH) at map-value offset 4.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[4]); } vals SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return XDP_PASS;
  __u32 x = ctx->ingress_ifindex;
  __u32 *p = (__u32 *)((char *)v + 4);
  __u32 old = __sync_fetch_and_add(p, x);
  return old & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
