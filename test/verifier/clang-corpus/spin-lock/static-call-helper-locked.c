// expect: reject: function calls are not allowed while holding a lock
// why: the lock is held in the static function the critical section calls, so its helper call is refused there.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u64 stamp; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

NOINLINE void stamp(struct val *v) { v->stamp = bpf_ktime_get_ns(); }

SEC("tc") int locked(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  stamp(v);
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
