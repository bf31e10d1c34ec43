// expect: reject: At async callback return the register R0 has smin=1 smax=1 should have been in [0, 0]
// why: a timer callback returning 1: the kernel verifies it as an async callback, which must return 0.
#include "../include/timer-value.h"

static int fire(void *map, __u32 *key, struct val *v) {
  v->count++;
  return 1;
}

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  bpf_timer_set_callback(&v->timer, fire);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
