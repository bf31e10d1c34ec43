// expect: accept
// why: a global function that checks its pointer argument for NULL may read the pointed-to type's size.
#include "../include/corpus.h"

__noinline int first(__u32 *p) { return p ? *p : 0; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 v = ctx->ingress_ifindex;
  return first(&v) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
