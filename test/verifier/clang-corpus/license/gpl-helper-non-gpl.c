// expect: reject: cannot call GPL-restricted function from non-GPL compatible program
// why: bpf_trace_printk is GPL-only and the object's license is not GPL-compatible.
#include "../include/corpus.h"

SEC("xdp") int say(struct xdp_md *ctx) {
  char fmt[] = "hi\n";
  bpf_trace_printk(fmt, sizeof(fmt));
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "MIT";
