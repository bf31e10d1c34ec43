// expect: accept
// why: a static function is verified in its caller's context, where the caller's bound holds.
#include "../include/corpus.h"

__u32 table[8];

NOINLINE int pick(int i) { return table[i]; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  int i = ctx->ingress_ifindex;
  if (i < 0 || i >= 8) return XDP_PASS;
  return pick(i) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
