// expect: reject: max value is outside of the allowed memory range
// why: the known constant in .rodata is larger than the table, so the index it bounds can run past it.
#include "../include/corpus.h"

const volatile __u32 slots = 16;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i >= slots) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
