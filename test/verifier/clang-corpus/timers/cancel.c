// expect: accept
// why: bpf_timer_cancel on a map value's timer.
#include "../include/timer-value.h"

SEC("tc") int stop(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  return bpf_timer_cancel(&v->timer) < 0;
}
char LICENSE[] SEC("license") = "GPL";
