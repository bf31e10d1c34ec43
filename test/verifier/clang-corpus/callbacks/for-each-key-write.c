// expect: reject: write to change key R2 not allowed
// why: an array's for-each callback writes through its key pointer, which is read-only.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");

static long poke(void *map, __u32 *key, __u64 *val, void *ctx) {
  *key = 0;
  return 0;
}

SEC("tc") int walk(struct __sk_buff *skb) {
  bpf_for_each_map_elem(&vals, poke, 0, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
