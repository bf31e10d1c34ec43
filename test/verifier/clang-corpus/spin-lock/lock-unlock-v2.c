// expect: accept
// cflags: -mcpu=v2
// why: lock, update two fields, unlock: built for -mcpu=v2.
#include "../include/lock-value.h"

SEC("tc") int count(struct __sk_buff *skb) {
  __u32 k = skb->len & 3;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  v->count++;
  v->sum += skb->len;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
