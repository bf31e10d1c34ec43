// expect: reject: write into map forbidden
// cflags: -mcpu=v2
// why: a store into .rodata at -mcpu=v2, pinned by inline asm to a plain 8-byte store at offset 8.
#include "../include/corpus.h"

const volatile __u64 table[2] = { 1, 2 };

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 *p = (__u64 *)table;
  __u64 v = ctx->ingress_ifindex;
  asm volatile("*(u64 *)(%0 + 8) = %1" : : "r"(p), "r"(v) : "memory");
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
