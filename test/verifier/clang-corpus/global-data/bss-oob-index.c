// expect: reject: R2 max value is outside of the allowed memory range
// why: a .bss array indexed with a bound one element too large.
#include "../include/corpus.h"

__u32 slots[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i > 8) return XDP_PASS;
  slots[i] = 1;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
