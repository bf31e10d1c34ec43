// expect: reject: bpf_timer cannot be accessed directly by load/store
// why: a plain load from a map value's bpf_timer field.
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct val { __u64 count; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int peek(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  return *(volatile __u64 *)&v->timer != 0;
}
char LICENSE[] SEC("license") = "GPL";
