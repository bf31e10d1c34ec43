// expect: reject: unbounded min value
// why: the global function bounds its first index but uses the second as it came: its caller's check does not reach it.
#include "../include/corpus.h"

__u32 table[16];

__noinline int sum(int i, int j) {
  if (i < 0 || i >= 16) return 0;
  return table[i] + table[j];
}

SEC("xdp") int prog(struct xdp_md *ctx) {
  int i = ctx->ingress_ifindex & 15, j = ctx->rx_queue_index & 15;
  return sum(i, j) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
