// expect: reject: bpf_spin_lock cannot be accessed directly by load/store
// why: a plain load of the lock word would let a program see (or, stored, break) a lock the kernel owns.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int peek(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  return *(volatile __u32 *)&v->lock;
}
char LICENSE[] SEC("license") = "GPL";
