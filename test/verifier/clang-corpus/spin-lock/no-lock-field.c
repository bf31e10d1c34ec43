// expect: reject: has no valid bpf_spin_lock
// why: bpf_spin_lock on a map value whose type has no lock.
#include "../include/corpus.h"

struct val { __u32 word; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int fake(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock((struct bpf_spin_lock *)&v->word);
  v->count++;
  bpf_spin_unlock((struct bpf_spin_lock *)&v->word);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
