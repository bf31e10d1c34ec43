// expect: reject: invalid bpf_context access
// cflags: -mcpu=v4
// why: a sign-extending load of the context's data pointer field: a pointer field cannot be read narrowed or sign-extended.
#include "../include/corpus.h"

SEC("tc") int sx(struct __sk_buff *skb) {
  long x;
  asm volatile("%0 = *(s32 *)(%1 + 76)" : "=r"(x) : "r"(skb));
  return x & 1;
}
char LICENSE[] SEC("license") = "GPL";
