// expect: accept
// why: a weak `bool` kconfig extern, a one-byte unknown value branched on.
#include "../include/corpus.h"

extern _Bool CONFIG_BPF_JIT __kconfig __attribute__((weak));

SEC("xdp") int prog(struct xdp_md *ctx) { return CONFIG_BPF_JIT ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
