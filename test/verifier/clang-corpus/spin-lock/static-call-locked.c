// expect: accept
// why: a static function called inside the critical section runs under the caller's lock.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

NOINLINE void bump(struct val *v) { v->count++; }

SEC("tc") int locked(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  bump(v);
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
