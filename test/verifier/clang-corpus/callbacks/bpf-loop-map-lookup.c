// expect: accept
// why: a bpf_loop callback doing map lookups by its iteration index and summing the values it finds.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");

static long add(__u32 i, __u64 *total) {
  __u64 *v = bpf_map_lookup_elem(&vals, &i);
  if (v) *total += *v;
  return 0;
}

SEC("tc") int loop(struct __sk_buff *skb) {
  __u64 total = 0;
  bpf_loop(16, add, &total, 0);
  return total > 5;
}
char LICENSE[] SEC("license") = "GPL";
