// expect: reject: invalid mem access 'mem_or_null'
// why: a global function called only from another global function is verified too, on its own.
#include "../include/corpus.h"

__noinline int inner(__u32 *p) { return *p; }
__noinline int outer(__u32 x) {
  __u32 v = x;
  return inner(&v);
}

SEC("xdp") int prog(struct xdp_md *ctx) { return outer(ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
