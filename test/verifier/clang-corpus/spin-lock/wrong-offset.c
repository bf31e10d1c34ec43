// expect: reject: doesn't point to 'struct bpf_spin_lock'
// why: the pointer passed is to the value's counter, not to its lock.
#include "../include/corpus.h"

struct val { __u32 count; struct bpf_spin_lock lock; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int aim(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock((struct bpf_spin_lock *)&v->count);
  bpf_spin_unlock((struct bpf_spin_lock *)&v->count);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
