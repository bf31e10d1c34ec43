// expect: reject: cannot be used inside bpf_spin_lock-ed region
// why: the lock is released on one branch only; the other returns holding it.
#include "../include/lock-value.h"

SEC("tc") int leave(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  v->count++;
  if (skb->len > 100) return 1;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
