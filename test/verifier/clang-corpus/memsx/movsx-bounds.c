// expect: accept
// cflags: -mcpu=v4
// why: a sign-extending register move (movsx, also -mcpu=v4) of a byte, then a two-sided check before indexing.
#include "../include/corpus.h"

__u32 table[64];

SEC("xdp") int sx(struct xdp_md *ctx) {
  long i = (signed char)ctx->ingress_ifindex;
  if (i < 0 || i >= 64) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
