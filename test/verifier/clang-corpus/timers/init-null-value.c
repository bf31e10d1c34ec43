// expect: reject: pointer arithmetic on map_value_or_null prohibited
// why: the timer field of a hash lookup's result addressed before its NULL check, for bpf_timer_init (an array looked up at a constant key in range would be known non-NULL).
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct flow { __u64 seen; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct flow); } flows SEC(".maps");

SEC("tc") int arm(struct __sk_buff *skb) {
  __u32 k = skb->hash;
  struct flow *f = bpf_map_lookup_elem(&flows, &k);
  bpf_timer_init(&f->timer, &flows, CLOCK_MONOTONIC);
  return f != 0;
}
char LICENSE[] SEC("license") = "GPL";
