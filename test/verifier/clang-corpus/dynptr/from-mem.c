// expect: accept
// why: a local dynptr over a map value (bpf_dynptr_from_mem), read back with bpf_dynptr_read.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[2]); } vals SEC(".maps");

SEC("tc") int peek(struct __sk_buff *skb) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&vals, &k), out = 0;
  if (!v) return 0;
  struct bpf_dynptr d;
  bpf_dynptr_from_mem(v, 16, 0, &d);
  bpf_dynptr_read(&out, sizeof(out), &d, 8, 0);
  return out > 5;
}
char LICENSE[] SEC("license") = "GPL";
