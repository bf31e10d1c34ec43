// expect: reject: BPF_ATOMIC stores into R1 ctx is not allowed
// why: an atomic add into the context structure, pinned by inline asm.
#include "../include/corpus.h"

SEC("tc") int prog(struct __sk_buff *skb) {
  __u32 one = 1;
  asm volatile("lock *(u32 *)(%0 + 48) += %1" : : "r"(skb), "r"(one) : "memory");
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
