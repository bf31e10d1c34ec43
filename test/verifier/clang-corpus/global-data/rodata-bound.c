// expect: accept
// why: .rodata is frozen, so a `const volatile` bound is a known constant and bounds the index.
#include "../include/corpus.h"

const volatile __u32 slots = 8;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i >= slots) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
