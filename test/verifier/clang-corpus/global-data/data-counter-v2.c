// expect: accept
// cflags: -mcpu=v2
// why: .data is a writable one-element array: a counter incremented in place, built for -mcpu=v2.
#include "../include/corpus.h"

__u64 packets = 1;

SEC("xdp") int prog(struct xdp_md *ctx) {
  packets++;
  return packets & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
