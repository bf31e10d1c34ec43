// expect: reject: function calls are not allowed while holding a lock
// why: bpf_loop is a helper call, refused while a bpf_spin_lock is held.
#include "../include/corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

static long nop(__u32 i, void *ctx) { return 0; }

SEC("tc") int loop(struct __sk_buff *skb) {
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&vals, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  bpf_loop(4, nop, 0, 0);
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
