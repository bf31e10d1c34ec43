// expect: reject: invalid access to map value
// why: a read past the end of .data through a pointer the program advanced itself.
#include "../include/corpus.h"

__u32 pair[2] = { 1, 2 };

SEC("xdp") int prog(struct xdp_md *ctx) {
  volatile __u32 *p = &pair[0];
  return p[2] ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
