// expect: reject: unbounded min value
// cflags: -mcpu=v4
// why: the caller-bounded index of a global function again, built for -mcpu=v4 (sign-extending moves).
#include "../include/corpus.h"

__u32 table[8];

__noinline int pick(short i) { return table[i]; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  short i = ctx->ingress_ifindex;
  if (i < 0 || i >= 8) return XDP_PASS;
  return pick(i) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
