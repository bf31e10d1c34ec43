// expect: reject: R2 max value is outside of the allowed memory range
// cflags: -mcpu=v2
// why: a static callee verified in its caller's context: the caller's bound of 9 is one too many for an 8-entry table.
#include "../include/corpus.h"

__u32 table[8];
NOINLINE int pick(__u32 i) { return table[i]; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i > 8) return XDP_PASS;
  return pick(i) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
