// expect: accept
// cflags: -mcpu=v4
// why: a sign-extending 4-byte load from the __sk_buff context (ldxsw), widened into a map value.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __s64); } vals SEC(".maps");

SEC("tc") int sx(struct __sk_buff *skb) {
  __u32 k = 0;
  __s64 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  *v = *(volatile int *)&skb->mark;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
