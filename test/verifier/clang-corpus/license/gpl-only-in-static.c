// expect: reject: cannot call GPL-restricted function from non-GPL compatible program
// cflags: -mcpu=v2
// why: the GPL-only call sits in a static function of an "MIT" program: the license applies to every function of it.
#include "../include/corpus.h"

NOINLINE int say(int x) {
  char fmt[] = "x %d\n";
  return bpf_trace_printk(fmt, sizeof(fmt), x);
}

SEC("xdp") int prog(struct xdp_md *ctx) { return say(ctx->ingress_ifindex) > 0 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "MIT";
