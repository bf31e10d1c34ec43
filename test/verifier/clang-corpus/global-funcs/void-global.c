// expect: reject: doesn't return scalar
// why: this kernel verifies only global functions that return an integer, so a void one is refused at its first call.
#include "../include/corpus.h"

__u64 hits;

__noinline void count(__u32 n) { hits += n; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  count(ctx->ingress_ifindex);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
