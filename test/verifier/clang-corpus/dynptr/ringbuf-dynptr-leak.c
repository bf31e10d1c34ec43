// expect: reject: Unreleased reference
// why: a ring buffer dynptr reserved and never submitted or discarded, even when the reservation failed.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  struct bpf_dynptr d;
  __u32 v = ctx->ingress_ifindex;
  bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
  bpf_dynptr_write(&d, 0, &v, sizeof(v), 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
