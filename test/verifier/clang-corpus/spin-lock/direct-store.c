// expect: reject: bpf_spin_lock cannot be accessed directly by load/store
// why: a store overlapping the lock word from a wider access at an earlier field.
#include "../include/corpus.h"

struct val { __u32 count; struct bpf_spin_lock lock; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int clobber(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  *(volatile __u64 *)v = 0;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
