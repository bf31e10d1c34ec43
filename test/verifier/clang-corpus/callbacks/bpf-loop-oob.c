// expect: reject: invalid read from stack
// why: the callback reads past the 8-byte context the caller passed on its stack.
#include "../include/corpus.h"

static long peek(__u32 i, void *ctx) {
  volatile __u64 *p = ctx;
  return p[1] & 1;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  __u64 word = 0;
  bpf_loop(4, peek, &word, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
