// expect: accept
// cflags: -mcpu=v4
// why: main -> a -> b -> c, all static, built for -mcpu=v4: two calls inside .text with no relocation.
#include "../include/corpus.h"

NOINLINE int c(int x) { return x & 3; }
NOINLINE int b(int x) { return c(x ^ 5) + 1; }
NOINLINE int a(int x) { return b(x + 1) * 2; }

SEC("xdp") int chain(struct xdp_md *ctx) { return a(ctx->ingress_ifindex) > 4 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
