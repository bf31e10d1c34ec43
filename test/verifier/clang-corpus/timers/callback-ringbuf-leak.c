// expect: reject: Unreleased reference
// why: a timer callback reserves a ring buffer record and never submits it.
#include "../include/timer-value.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

static int fire(void *map, __u32 *key, struct val *v) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (e) *e = v->count;
  return 0;
}

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  bpf_timer_set_callback(&v->timer, fire);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
