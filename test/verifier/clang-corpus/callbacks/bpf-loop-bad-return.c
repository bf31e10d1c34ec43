// expect: reject: At callback return the register R0
// why: a bpf_loop callback must return 0 (go on) or 1 (stop).
#include "../include/corpus.h"

static long step(__u32 i, void *ctx) { return 2; }

SEC("xdp") int loop(struct xdp_md *ctx) {
  bpf_loop(8, step, 0, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
