// expect: accept
// why: a packet pointer checked before a call to a global function that does not change packet data stays valid after it.
#include "../include/corpus.h"

__noinline int twice(int x) { return x * 2; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_PASS;
  int n = twice(ctx->ingress_ifindex);
  return data[0] == n ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
