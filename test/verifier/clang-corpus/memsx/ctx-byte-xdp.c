// expect: reject: invalid bpf_context access off=12 size=1
// cflags: -mcpu=v4
// why: a sign-extending one-byte load of xdp_md's ingress_ifindex: the kernel allows that field only as a whole 4-byte read.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __s64); } vals SEC(".maps");

SEC("xdp") int sx(struct xdp_md *ctx) {
  __u32 k = 0;
  __s64 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return XDP_PASS;
  *v = *(volatile signed char *)&ctx->ingress_ifindex;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
