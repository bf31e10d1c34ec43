// expect: reject: with unbounded min value is not allowed
// cflags: -mcpu=v4
// why: a byte stored to the stack and read back sign-extended may be anything: used as an index with no check.
#include "../include/corpus.h"

__u32 table[128];

SEC("xdp") int sx(struct xdp_md *ctx) {
  volatile signed char s = ctx->ingress_ifindex;
  int i = s;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
