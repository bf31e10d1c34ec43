// expect: reject: Unreleased reference
// why: one path returns with the reservation neither submitted nor discarded.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
  if (!e) return XDP_PASS;
  *e = ctx->ingress_ifindex;
  if (*e == 7) return XDP_DROP;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
