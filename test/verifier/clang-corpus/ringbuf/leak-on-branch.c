// expect: reject: would lead to reference leak
// why: one branch returns early without submitting or discarding the reserved record.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("tc") int report(struct __sk_buff *skb) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (!e) return 0;
  if (skb->len > 1000) return 1;
  *e = skb->len;
  bpf_ringbuf_submit(e, 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
