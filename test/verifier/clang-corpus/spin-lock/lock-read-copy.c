// expect: accept
// why: fields copied out to the stack under the lock and used after the unlock.
#include "../include/lock-value.h"

SEC("tc") int read(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  __u64 sum = v->sum;
  __u32 count = v->count;
  bpf_spin_unlock(&v->lock);
  return count && sum / count > 100;
}
char LICENSE[] SEC("license") = "GPL";
