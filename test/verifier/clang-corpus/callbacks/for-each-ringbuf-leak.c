// expect: reject: would lead to reference leak
// why: a for-each callback reserves a record per element and never submits it.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } vals SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

static long emit(void *map, __u32 *key, __u64 *val, void *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (e) *e = *val;
  return 0;
}

SEC("tc") int walk(struct __sk_buff *skb) {
  bpf_for_each_map_elem(&vals, emit, 0, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
