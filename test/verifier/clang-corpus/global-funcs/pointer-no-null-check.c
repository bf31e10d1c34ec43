// expect: reject: invalid mem access 'mem_or_null'
// why: a pointer argument of a global function may be NULL for all the kernel knows, even if every caller passes the stack.
#include "../include/corpus.h"

__noinline int first(__u32 *p) { return *p; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 v = ctx->ingress_ifindex;
  return first(&v) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
