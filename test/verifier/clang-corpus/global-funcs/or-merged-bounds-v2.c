// expect: reject: R3 unbounded memory access
// cflags: -mcpu=v2
// why: clang merges the two `>= 16` checks into one on (i | j), which bounds neither index for the kernel (-mcpu=v2).
#include "../include/corpus.h"

__u32 table[16];

__noinline int sum(unsigned int i, unsigned int j) {
  if (i >= 16 || j >= 16) return 0;
  return table[i] + table[j];
}

SEC("xdp") int prog(struct xdp_md *ctx) { return sum(ctx->ingress_ifindex, ctx->rx_queue_index) ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
