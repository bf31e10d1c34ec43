// expect: reject: function calls are not allowed while holding a lock
// why: bpf_map_update_elem called between lock and unlock.
#include "../include/lock-value.h"

SEC("tc") int upd(struct __sk_buff *skb) {
  __u32 k = 0, k2 = 1;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  bpf_map_update_elem(&vals, &k2, v, 0);
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
