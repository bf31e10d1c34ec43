// expect: reject: with unbounded min value is not allowed
// cflags: -mcpu=v4
// why: a two-byte value stored narrow to the stack reads back as unknown bytes, so its sign-extended load bounds nothing.
#include "../include/corpus.h"

__u32 table[65536];

SEC("xdp") int sx(struct xdp_md *ctx) {
  volatile short s = ctx->ingress_ifindex;
  int i = s;
  return table[i + 32768] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
