// expect: accept
// why: bpf_timer_init on a map value's timer (the verifier refuses it, saying bpf_timer is not supported yet).
#include "../include/timer-value.h"

SEC("tc") int arm(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  bpf_timer_init(&v->timer, &vals, CLOCK_MONOTONIC);
  v->count++;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
