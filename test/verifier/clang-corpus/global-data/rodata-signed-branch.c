// expect: accept
// why: a known negative .rodata value decides a signed branch, so the out-of-bounds path is never taken.
#include "../include/corpus.h"

const volatile int mode = -1;
__u32 table[4];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (mode < 0) i &= 3;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
