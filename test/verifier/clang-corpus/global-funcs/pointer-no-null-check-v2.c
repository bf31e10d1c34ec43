// expect: reject: invalid mem access 'mem_or_null'
// cflags: -mcpu=v2
// why: a read through a global function's pointer argument with no NULL check, built for -mcpu=v2.
#include "../include/corpus.h"

__noinline int first(__u32 *p) { return *p; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 v = ctx->ingress_ifindex;
  return first(&v) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
