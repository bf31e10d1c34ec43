// expect: accept
// why: NULL is a valid argument for a global function's pointer parameter, which must be checked inside.
#include "../include/corpus.h"

__noinline int first(__u32 *p) { return p ? *p : 7; }

SEC("xdp") int prog(struct xdp_md *ctx) { return first(0) == 7 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
