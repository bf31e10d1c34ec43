// expect: accept
// cflags: -mcpu=v4
// why: a signed `const volatile` lower and upper bound around an index, the bounds known from frozen .rodata.
#include "../include/corpus.h"

const volatile int lo = 0, hi = 8;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  int i = ctx->ingress_ifindex;
  if (i < lo || i >= hi) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
