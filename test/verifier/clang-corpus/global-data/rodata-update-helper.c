// expect: accept
// why: a helper may read a map value to store from .rodata; only writes into .rodata are refused.
#include "../include/corpus.h"

const volatile __u64 initial = 7;
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} slots SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 1;
  bpf_map_update_elem(&slots, &k, (const void *)&initial, BPF_ANY);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
