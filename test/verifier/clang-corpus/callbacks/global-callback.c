// expect: reject: callback function not static
// why: a callback must be a static function: a global one is verified on its own, without the helper's arguments.
#include "../include/corpus.h"

__attribute__((noinline)) long step(__u32 i, void *ctx) { return 0; }

SEC("xdp") int loop(struct xdp_md *ctx) {
  bpf_loop(4, step, 0, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
