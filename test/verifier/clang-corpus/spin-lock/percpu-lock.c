// expect: reject: has to have BTF in order to use bpf_spin_lock
// why: per-CPU arrays may not hold a spin lock: libbpf creates the map again without BTF, and then there is no lock to take.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int count(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  v->count++;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
