// expect: reject: misaligned value access
// why: global data is a map value too: an 8-byte exchange at .bss offset 4 is refused.
#include "../include/corpus.h"

struct { __u32 pad; __u64 last; } __attribute__((packed)) state;

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 old = __sync_lock_test_and_set(&state.last, ctx->ingress_ifindex);
  return old ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
