// expect: reject: invalid access to map value
// why: a timer callback indexes its value out of bounds: the callback is verified although it runs later, with (map, key, value) as arguments.
#include "../include/timer-value.h"

static int fire(void *map, __u32 *key, struct val *v) {
  ((volatile __u64 *)v)[3] = 1;
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
