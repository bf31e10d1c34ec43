// expect: accept
// why: a bpf_spin_lock in a hash map's value, looked up by a key from the packet's metadata.
#include "../include/corpus.h"

struct val { __u64 bytes; struct bpf_spin_lock lock; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct val); } flows SEC(".maps");

SEC("tc") int count(struct __sk_buff *skb) {
  __u32 k = skb->hash;
  struct val *v = bpf_map_lookup_elem(&flows, &k);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  v->bytes += skb->len;
  bpf_spin_unlock(&v->lock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
