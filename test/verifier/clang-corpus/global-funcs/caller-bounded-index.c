// expect: reject: with unbounded min value is not allowed
// why: a global function is verified on its own, so an index only its caller bounded is an unknown scalar there.
#include "../include/corpus.h"

__u32 table[8];

__noinline int pick(int i) { return table[i]; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  int i = ctx->ingress_ifindex;
  if (i < 0 || i >= 8) return XDP_PASS;
  return pick(i) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
