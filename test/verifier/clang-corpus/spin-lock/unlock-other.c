// expect: reject: bpf_spin_unlock of different lock
// why: the lock taken is in one element, the one released in another: the lock is known by the lookup its value came from.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int swap(struct __sk_buff *skb) {
  __u32 k0 = 0, k1 = 1;
  struct val *a = bpf_map_lookup_elem(&vals, &k0);
  struct val *b = bpf_map_lookup_elem(&vals, &k1);
  if (!a || !b) return 0;
  bpf_spin_lock(&a->lock);
  a->count++;
  bpf_spin_unlock(&b->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
