// expect: accept
// why: in a per-CPU array (created without BTF, since it may not hold a lock) the lock's bytes are plain data.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int clear(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  *(volatile __u64 *)v = 0;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
