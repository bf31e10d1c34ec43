// expect: reject: function calls are not allowed while holding a lock
// why: one lock at a time: the second bpf_spin_lock is itself a call made while holding the first.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int both(struct __sk_buff *skb) {
  __u32 k0 = 0, k1 = 1;
  struct val *a = bpf_map_lookup_elem(&vals, &k0);
  struct val *b = bpf_map_lookup_elem(&vals, &k1);
  if (!a || !b) return 0;
  bpf_spin_lock(&a->lock);
  bpf_spin_lock(&b->lock);
  a->count++;
  bpf_spin_unlock(&b->lock);
  bpf_spin_unlock(&a->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
