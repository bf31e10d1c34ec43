// expect: accept
// why: a constant string in .rodata handed to a helper as read-only memory.
#include "../include/corpus.h"

static const char msg[] = "drop %d\n";

SEC("xdp") int prog(struct xdp_md *ctx) {
  bpf_trace_printk(msg, sizeof(msg), ctx->ingress_ifindex);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
