// expect: reject: write into map forbidden
// why: an atomic add writes too, and .rodata is frozen.
#include "../include/corpus.h"

const volatile __u64 hits = 0;

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 *p = (__u64 *)&hits;
  asm volatile("" : "+r"(p)); // keep clang from dropping a write to a const object
  __sync_fetch_and_add(p, 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
