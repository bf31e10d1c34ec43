// expect: accept
// why: bpf_timer_init with two elements of one map: the map argument must be the timer's map, the element does not matter.
#include "../include/timer-value.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, struct val); } pair SEC(".maps");

SEC("tc") int arm(struct __sk_buff *skb) {
  __u32 a = 0, b = 1;
  struct val *x = bpf_map_lookup_elem(&pair, &a), *y = bpf_map_lookup_elem(&pair, &b);
  if (!x || !y) return 0;
  bpf_timer_init(&y->timer, &pair, CLOCK_MONOTONIC);
  return bpf_timer_start(&x->timer, 10, 0) < 0;
}
char LICENSE[] SEC("license") = "GPL";
