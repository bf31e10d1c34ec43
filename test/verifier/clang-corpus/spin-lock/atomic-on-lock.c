// expect: reject: bpf_spin_lock cannot be accessed directly by load/store
// why: an atomic add over the lock word itself, pinned by inline asm: the lock is not plain memory.
#include "../include/lock-value.h"

SEC("tc") int poke(struct __sk_buff *skb) {
  __u32 k = 0, one = 1;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  asm volatile("lock *(u32 *)(%0 + 0) += %1" : : "r"(v), "r"(one) : "memory");
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
