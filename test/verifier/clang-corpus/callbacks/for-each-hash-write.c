// expect: accept
// why: bpf_for_each_map_elem over a hash map, the callback writing each value it is given.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } ages SEC(".maps");

static long age(void *map, __u32 *key, __u64 *val, void *ctx) {
  *val += 1;
  return 0;
}

SEC("tc") int walk(struct __sk_buff *skb) {
  bpf_for_each_map_elem(&ages, age, 0, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
