// expect: reject: invalid mem access 'mem_or_null'
// cflags: -mcpu=v1
// why: the same unchecked dereference at -mcpu=v1, its load pinned by inline asm.
#include "../include/corpus.h"

__noinline int first(__u64 *p) {
  __u64 v;
  asm volatile("%0 = *(u64 *)(%1 + 0)" : "=r"(v) : "r"(p));
  return v != 0;
}

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 v = ctx->ingress_ifindex;
  return first(&v) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
