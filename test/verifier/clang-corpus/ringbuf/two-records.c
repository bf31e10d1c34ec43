// expect: accept
// why: two reservations held at once, each released on every path, one of them discarded.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u32 *a = bpf_ringbuf_reserve(&events, 4, 0);
  if (!a) return XDP_PASS;
  __u64 *b = bpf_ringbuf_reserve(&events, 8, 0);
  if (!b) {
    bpf_ringbuf_discard(a, 0);
    return XDP_PASS;
  }
  *a = ctx->ingress_ifindex;
  *b = 0;
  bpf_ringbuf_submit(b, 0);
  bpf_ringbuf_submit(a, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
