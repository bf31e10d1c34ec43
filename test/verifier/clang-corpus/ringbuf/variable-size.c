// expect: reject: is not a known constant
// why: bpf_ringbuf_reserve's size must be a constant the verifier knows; a bounded variable is not enough.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u32 n = (ctx->ingress_ifindex & 7) + 8;
  char *e = bpf_ringbuf_reserve(&events, n, 0);
  if (!e) return XDP_PASS;
  e[0] = 1;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
