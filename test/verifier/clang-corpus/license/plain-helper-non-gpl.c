// expect: accept
// why: a program under a non-GPL license may call helpers that are not GPL-only.
#include "../include/corpus.h"

SEC("xdp") int say(struct xdp_md *ctx) { return bpf_get_prandom_u32() & 1 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "MIT";
