// expect: accept
// why: a static function fills a struct on its caller's stack through a pointer, then a second one reads it.
#include "../include/corpus.h"

struct pair { __u32 a, b; };
NOINLINE void fill(struct pair *p, __u32 x) { p->a = x; p->b = x * 2; }
NOINLINE __u32 sum(struct pair *p) { return p->a + p->b; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  struct pair p;
  fill(&p, ctx->ingress_ifindex);
  return sum(&p) & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
