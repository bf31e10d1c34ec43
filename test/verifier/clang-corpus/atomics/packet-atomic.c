// expect: reject: BPF_ATOMIC stores into R1 pkt is not allowed
// why: an atomic add into packet data, bounds-checked but still refused: atomics only reach the stack and map values.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 8 > end) return XDP_PASS;
  __u32 one = 1;
  asm volatile("lock *(u32 *)(%0 + 0) += %1" : : "r"(data), "r"(one) : "memory");
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
