// expect: reject: invalid access to map value
// why: the callback reads past the 8-byte value it is given.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");

static long visit(void *map, __u32 *key, __u64 *val, void *ctx) {
  return val[1] & 1;
}

SEC("tc") int walk(struct __sk_buff *skb) {
  bpf_for_each_map_elem(&vals, visit, 0, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
