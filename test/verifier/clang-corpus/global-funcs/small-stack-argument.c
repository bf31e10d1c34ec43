// expect: reject: Caller passes invalid args into func#1 ('sum')
// why: a caller must pass a global function memory of at least the size of the type its prototype names.
#include "../include/corpus.h"

struct pair { __u32 a, b; };

__noinline int sum(struct pair *p) { return p ? p->a + p->b : 0; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 one = ctx->ingress_ifindex;
  return sum((struct pair *)&one) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
