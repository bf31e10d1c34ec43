// expect: accept
// cflags: -mcpu=v4
// why: a signed narrow field of the context read with a sign-extending load (BPF_MEMSX).
#include "../include/corpus.h"

SEC("tc") int sx(struct __sk_buff *skb) {
  short proto = *(volatile short *)&skb->protocol;
  return proto < 0 ? 1 : 0;
}
char LICENSE[] SEC("license") = "GPL";
