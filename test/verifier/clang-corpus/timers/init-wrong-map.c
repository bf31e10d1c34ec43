// expect: reject: doesn't match map pointer in R2
// why: bpf_timer_init given a different map than the one the timer's value came from.
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct val { __u64 count; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } other SEC(".maps");

SEC("tc") int arm(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_timer_init(&v->timer, &other, CLOCK_MONOTONIC);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
