// expect: reject: program of this type cannot use helper bpf_skb_load_bytes#26
// why: bpf_skb_load_bytes takes an __sk_buff: XDP programs cannot call it.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) {
  char buf[4];
  bpf_skb_load_bytes(ctx, 0, buf, sizeof(buf));
  return buf[0] ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
