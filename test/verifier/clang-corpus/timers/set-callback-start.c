// expect: accept
// why: the full timer arming: bpf_timer_init, bpf_timer_set_callback with a static callback, bpf_timer_start.
#include "../include/timer-value.h"

static int fire(void *map, __u32 *key, struct val *v) {
  v->count++;
  return 0;
}

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  bpf_timer_set_callback(&v->timer, fire);
  bpf_timer_start(&v->timer, 1000000, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
