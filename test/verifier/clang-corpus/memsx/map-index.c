// expect: reject: min value is negative
// cflags: -mcpu=v4
// why: a sign-extended byte used as an index can be negative.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u8[64]); } vals SEC(".maps");

SEC("tc") int sx(struct __sk_buff *skb) {
  __u32 k = 0;
  __u8 *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  signed char i = *(volatile signed char *)v;
  if (i > 60) return 0;
  return v[i];
}
char LICENSE[] SEC("license") = "GPL";
