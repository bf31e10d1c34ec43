// expect: accept
// why: a store over a field tagged with libbpf 1.1's __kptr on a forward-declared struct: this kernel refuses the object's BTF for it ("BTF is optional, ignoring", says libbpf), so the field is plain memory; we refuse any kptr-tagged field as not modelled.
#include "../include/corpus.h"

struct task_struct;
struct val { __u64 count; struct task_struct __kptr *task; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int poke(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  *(volatile __u64 *)&v->task = 1;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
