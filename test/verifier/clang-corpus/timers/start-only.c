// expect: accept
// why: bpf_timer_start on a timer never initialised: the kernel's verifier accepts it (the helper fails at run time).
#include "../include/timer-value.h"

SEC("tc") int kick(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  return bpf_timer_start(&v->timer, 1000, 0) < 0;
}
char LICENSE[] SEC("license") = "GPL";
