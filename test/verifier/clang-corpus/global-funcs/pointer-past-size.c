// expect: reject: min value is outside of the allowed memory range
// why: through a pointer argument a global function may read only the size of the type its prototype names.
#include "../include/corpus.h"

__noinline int second(__u32 *p) {
  if (!p) return 0;
  return p[1];
}

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 v[2] = { ctx->ingress_ifindex, 1 };
  return second(v) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
