// expect: reject: write into map forbidden
// why: a global function may write through a non-const pointer argument, so read-only .rodata cannot be passed for it.
#include "../include/corpus.h"

const volatile __u32 limits[2] = { 1, 2 };

__noinline int first(__u32 *p) { return p ? *p : 0; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 *p = (__u32 *)limits;
  asm volatile("" : "+r"(p)); // keep the pointer to .rodata as it is
  return first(p) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
