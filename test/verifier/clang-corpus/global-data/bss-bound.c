// expect: reject: unbounded memory access
// why: .bss is writable, its contents unknown: a bound read from it bounds nothing.
#include "../include/corpus.h"

__u32 slots;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex;
  if (i >= slots) return XDP_PASS;
  return table[i] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
