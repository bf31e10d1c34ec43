// expect: accept
// cflags: -mcpu=v2
// why: main -> a -> c, all static, built for -mcpu=v2: the a -> c call carries no relocation and is linked by its offset.
#include "../include/corpus.h"

NOINLINE int c(int x) { return x & 1; }
NOINLINE int a(int x) { return c(x + 1) * 2; }

SEC("xdp") int chain(struct xdp_md *ctx) { return a(ctx->ingress_ifindex) == 2 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
