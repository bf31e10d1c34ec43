// expect: reject: R1 has no valid kptr
// why: bpf_kptr_xchg on a field tagged __kptr_ref whose struct is no kernel type: the kernel does not take the field for a kptr.
#include "../include/corpus.h"

struct prog_test_ref_kfunc;
struct val { __u64 count; struct prog_test_ref_kfunc __kptr_ref *ref; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

SEC("tc") int clear(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  void *old = bpf_kptr_xchg(&v->ref, 0);
  return old != 0;
}
char LICENSE[] SEC("license") = "GPL";
