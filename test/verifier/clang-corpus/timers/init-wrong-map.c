// expect: reject: doesn't match map pointer in R2
// why: bpf_timer_init given a different map than the one the timer's value came from.
#include "../include/timer-value.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } other SEC(".maps");

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &other, CLOCK_MONOTONIC);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
