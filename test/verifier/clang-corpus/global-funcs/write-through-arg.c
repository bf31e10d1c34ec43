// expect: accept
// why: a global function that checks its pointer argument for NULL may also write the pointed-to type.
#include "../include/corpus.h"

__noinline int bump(__u64 *p) {
  if (!p) return 0;
  *p += 1;
  return 1;
}

SEC("tc") int prog(struct __sk_buff *skb) {
  __u64 n = skb->len;
  bump(&n);
  return n > 100;
}
char LICENSE[] SEC("license") = "GPL";
