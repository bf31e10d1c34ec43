// expect: reject: doesn't point to 'struct bpf_timer'
// why: bpf_timer_init given a pointer to the value's counter, not to its timer.
#include "../include/timer-value.h"

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init((struct bpf_timer *)&v->count, &vals, CLOCK_MONOTONIC);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
