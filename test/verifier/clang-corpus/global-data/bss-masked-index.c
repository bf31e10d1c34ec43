// expect: accept
// why: a .bss array written at an index masked into range.
#include "../include/corpus.h"

__u64 slots[16];

SEC("tc") int prog(struct __sk_buff *skb) {
  slots[skb->hash & 15] += skb->len;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
