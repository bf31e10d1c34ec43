// expect: accept
// cflags: -mcpu=v4
// why: a sign-extending load from bounds-checked packet data.
#include "../include/corpus.h"

SEC("xdp") int sx(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 4 > end) return XDP_PASS;
  long x = *(volatile short *)(data + 2);
  return x < 0 ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
