// expect: reject: invalid mem access 'mem_or_null'
// why: a store through a global function's pointer argument with no NULL check: the argument may be NULL.
#include "../include/corpus.h"

__noinline int bump(__u64 *p) {
  *p += 1;
  return 1;
}

SEC("tc") int prog(struct __sk_buff *skb) {
  __u64 n = skb->len;
  bump(&n);
  return n > 100;
}
char LICENSE[] SEC("license") = "GPL";
