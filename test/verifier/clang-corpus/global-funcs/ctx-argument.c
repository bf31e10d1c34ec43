// expect: accept
// why: a global function's `struct xdp_md *` argument is the program's context, readable at its fields.
#include "../include/corpus.h"

__noinline int ifindex(struct xdp_md *ctx) { return ctx->ingress_ifindex; }

SEC("xdp") int prog(struct xdp_md *ctx) { return ifindex(ctx) == 1 ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
