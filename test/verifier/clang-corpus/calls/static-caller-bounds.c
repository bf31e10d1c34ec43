// expect: accept
// why: a static callee indexes with a value only its caller bounded: static functions are verified in their caller's context.
#include "../include/corpus.h"

__u32 table[8];
NOINLINE int pick(__u32 i) { return table[i]; }
NOINLINE int mid(__u32 i) { return pick(i) + 1; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i >= 8) return XDP_PASS;
  return mid(i) > 1 ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
