// expect: reject: socket filter progs cannot use bpf_spin_lock yet
// why: socket filters may not reference a map whose value holds a spin lock, even without locking it.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("socket") int filter(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  return v ? v->count : 0;
}
char LICENSE[] SEC("license") = "GPL";
