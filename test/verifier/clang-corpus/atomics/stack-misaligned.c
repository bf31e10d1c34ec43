// expect: reject: misaligned stack access
// why: an 8-byte atomic add at a stack slot 4 bytes off an 8-byte boundary.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 buf[2] = { 0, 0 }, one = 1;
  asm volatile("lock *(u64 *)(%0 + 4) += %1" : : "r"(buf), "r"(one) : "memory");
  return buf[0] & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
