// expect: accept
// cflags: -mcpu=v4
// why: lock, update under a branch, unlock on both paths: built for -mcpu=v4.
#include "../include/lock-value.h"

SEC("tc") int count(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  if (skb->len > 100) v->count++;
  else v->sum += skb->len;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
