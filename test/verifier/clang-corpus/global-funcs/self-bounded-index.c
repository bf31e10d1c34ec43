// expect: accept
// why: a global function that bounds its own argument is safe for any caller's value.
#include "../include/corpus.h"

__u32 table[8];

__noinline int pick(int i) {
  if (i < 0 || i >= 8) return 0;
  return table[i];
}

SEC("xdp") int prog(struct xdp_md *ctx) { return pick(ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
