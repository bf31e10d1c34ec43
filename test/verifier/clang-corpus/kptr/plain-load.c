// expect: accept
// why: a load of a field tagged __kptr on a forward-declared struct, compared with NULL: the kernel refuses the object's BTF and libbpf loads without it, so the field is plain memory; we refuse any kptr-tagged field as not modelled.
#include "../include/corpus.h"

struct task_struct;
struct val { __u64 count; struct task_struct __kptr *task; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int peek(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  return v->task != 0;
}
char LICENSE[] SEC("license") = "GPL";
