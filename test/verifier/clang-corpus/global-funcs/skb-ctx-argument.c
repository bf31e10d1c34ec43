// expect: accept
// why: in a tc program, a global function's `struct __sk_buff *` argument is the context.
#include "../include/corpus.h"

__noinline int mark_of(struct __sk_buff *skb) { return skb->mark; }

SEC("tc") int prog(struct __sk_buff *skb) { return mark_of(skb) == 1 ? 2 : 0; }
char LICENSE[] SEC("license") = "GPL";
