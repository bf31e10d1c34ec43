// expect: reject: cannot pass map_type 2 into func bpf_ringbuf_output#130
// why: bpf_ringbuf_output given an array map instead of a ring buffer.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u64 v = ctx->ingress_ifindex;
  bpf_ringbuf_output(&vals, &v, sizeof(v), 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
