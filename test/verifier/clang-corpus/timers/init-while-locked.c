// expect: reject: function calls are not allowed while holding a lock
// why: bpf_timer_init called while the value's bpf_spin_lock is held.
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct val { struct bpf_spin_lock lock; __u32 armed; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int arm(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  if (!v->armed) bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  v->armed = 1;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
