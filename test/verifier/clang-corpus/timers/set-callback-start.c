// expect: accept
// why: the full timer arming: bpf_timer_init, bpf_timer_set_callback with a static callback, bpf_timer_start.
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct val { __u64 count; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

static int fire(void *map, __u32 *key, struct val *v) {
  v->count++;
  return 0;
}

SEC("tc") int arm(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  bpf_timer_set_callback(&v->timer, fire);
  bpf_timer_start(&v->timer, 1000000, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
