// expect: accept
// why: an 8-byte exchange (BPF_XCHG) at map-value offset 8.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[4]); } vals SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return XDP_PASS;
  __u64 x = ctx->ingress_ifindex;
  __u64 *p = (__u64 *)((char *)v + 8);
  __u64 old = __sync_lock_test_and_set(p, x);
  return old & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
