// expect: accept
// cflags: -mcpu=v2
// why: a timer in a hash map's value, initialised then cancelled by key, built for -mcpu=v2.
#include "../include/corpus.h"

#define CLOCK_MONOTONIC 1
struct flow { struct bpf_timer timer; __u64 seen; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct flow); } flows SEC(".maps");

SEC("tc") int expire(struct __sk_buff *skb) {
  __u32 k = skb->hash;
  struct flow *f = bpf_map_lookup_elem(&flows, &k);
  if (!f) return 0;
  if (f->seen == 0) bpf_timer_init(&f->timer, &flows, CLOCK_MONOTONIC);
  f->seen = skb->len;
  return bpf_timer_cancel(&f->timer) < 0;
}
char LICENSE[] SEC("license") = "GPL";
