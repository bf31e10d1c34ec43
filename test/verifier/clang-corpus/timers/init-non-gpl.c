// expect: reject: cannot call GPL-restricted function from non-GPL compatible program
// why: the bpf_timer helpers are GPL-only.
#include "../include/timer-value.h"

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  return 0;
}
char LICENSE[] SEC("license") = "MIT";
