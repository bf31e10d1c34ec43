// expect: reject: bpf_timer cannot be accessed directly by load/store
// why: a plain load from a map value's bpf_timer field.
#include "../include/timer-value.h"

SEC("tc") int peek(struct __sk_buff *skb) {
  struct val *v = first_val();
  if (!v) return 0;
  return *(volatile __u64 *)&v->timer != 0;
}
char LICENSE[] SEC("license") = "GPL";
