// expect: accept
// cflags: -mcpu=v1
// why: the const volatile bound at -mcpu=v1 (no 32-bit jumps): still a known constant from frozen .rodata.
#include "../include/corpus.h"

const volatile __u64 slots = 8;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 i = ctx->ingress_ifindex;
  if (i >= slots) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
