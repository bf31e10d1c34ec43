// expect: reject: write into map forbidden
// why: libbpf freezes .rodata after filling it, so a store into a `const volatile` global is refused.
#include "../include/corpus.h"

const volatile __u32 limit = 8;

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 *p = (__u32 *)&limit;
  asm volatile("" : "+r"(p)); // clang would drop a store it can see is to a const object
  *p = ctx->ingress_ifindex;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
