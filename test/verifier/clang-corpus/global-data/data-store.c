// expect: accept
// why: .data and .bss are writable one-element arrays.
#include "../include/corpus.h"

__u32 counter = 1;
__u64 total;

SEC("xdp") int prog(struct xdp_md *ctx) {
  counter = ctx->ingress_ifindex;
  total += counter;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
