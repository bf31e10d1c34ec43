// expect: accept
// why: "Dual BSD/GPL" is GPL-compatible, so the GPL-only bpf_trace_printk is allowed.
#include "../include/corpus.h"

SEC("xdp") int say(struct xdp_md *ctx) {
  char fmt[] = "hi\n";
  bpf_trace_printk(fmt, sizeof(fmt));
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "Dual BSD/GPL";
