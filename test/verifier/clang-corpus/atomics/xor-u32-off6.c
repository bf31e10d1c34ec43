// expect: reject: misaligned value access
// why: a 4-byte atomic xor (no fetch) at offset 6.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[4]); } vals SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&vals, &k), x = 1;
  if (!v) return XDP_PASS;
  asm volatile("lock *(u32 *)(%1 + 6) ^= w0" : "+r"(x) : "r"(v) : "memory");
  return x & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
