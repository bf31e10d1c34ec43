// expect: accept
// why: bpf_for_each_map_elem over an array, the callback reading each value and counting into the caller's stack.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");

static long visit(void *map, __u32 *key, __u64 *val, __u64 *total) {
  *total += *val + *key;
  return 0;
}

SEC("tc") int walk(struct __sk_buff *skb) {
  __u64 total = 0;
  bpf_for_each_map_elem(&vals, visit, &total, 0);
  return total > 10;
}
char LICENSE[] SEC("license") = "GPL";
