// expect: reject: combined stack size of 2 calls is
// why: each of two static frames uses 300 bytes of stack, over the kernel's 512-byte combined limit.
#include "../include/corpus.h"

NOINLINE int inner(int x) {
  volatile char buf[300];
  buf[x & 255] = 1;
  return buf[0];
}
SEC("xdp") int prog(struct xdp_md *ctx) {
  volatile char buf[300];
  buf[ctx->ingress_ifindex & 255] = 2;
  return inner(ctx->rx_queue_index) + buf[1];
}
char LICENSE[] SEC("license") = "GPL";
