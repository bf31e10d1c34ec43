// expect: reject: write into map forbidden
// why: a store into .rodata pinned by inline asm, so clang cannot fold the const away: libbpf freezes .rodata.
#include "../include/corpus.h"

const volatile __u32 limit = 10;

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 *p = (__u32 *)&limit, one = 1;
  asm volatile("*(u32 *)(%0 + 0) = %1" : : "r"(p), "r"(one) : "memory");
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
