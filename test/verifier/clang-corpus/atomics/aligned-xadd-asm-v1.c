// expect: accept
// cflags: -mcpu=v1
// why: the same -mcpu=v1 XADD at offset 8, aligned.
#include "../include/corpus.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64[2]);
} stats SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&stats, &k), one = 1;
  if (!v) return XDP_PASS;
  asm volatile("lock *(u64 *)(%0 + 8) += %1" : : "r"(v), "r"(one) : "memory");
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
