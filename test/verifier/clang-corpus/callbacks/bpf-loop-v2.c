// expect: accept
// cflags: -mcpu=v2
// why: bpf_loop with a callback that fills an array on the caller's stack, the index bounded in the callback (-mcpu=v2).
#include "../include/corpus.h"

struct buf { __u32 v[8]; };

static long fill(__u32 i, struct buf *b) {
  if (i >= 8) return 1;
  b->v[i] = i * i;
  return 0;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  struct buf b = {};
  bpf_loop(8, fill, &b, 0);
  return b.v[3] == 9 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
