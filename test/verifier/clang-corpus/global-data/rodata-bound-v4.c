// expect: accept
// cflags: -mcpu=v4
// why: a `const volatile` bound from the frozen .rodata bounds an index, built for -mcpu=v4.
#include "../include/corpus.h"

const volatile __u32 slots = 4;
__u32 table[4];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->rx_queue_index;
  if (i >= slots) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
