// expect: reject: invalid mem access 'mem_or_null'
// why: in an XDP program a `struct __sk_buff *` argument is not the context, only memory of its size that may be NULL.
#include "../include/corpus.h"

__noinline int mark_of(struct __sk_buff *skb) { return skb->mark; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  struct __sk_buff fake = {};
  return mark_of(&fake) == 1 ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
