// expect: reject: program of this type cannot use helper bpf_xdp_adjust_head#44
// why: bpf_xdp_adjust_head is for XDP only; a tc program calling it is refused.
#include "../include/corpus.h"

SEC("tc") int prog(struct __sk_buff *skb) { return bpf_xdp_adjust_head((struct xdp_md *)skb, 4) ? 1 : 0; }
char LICENSE[] SEC("license") = "GPL";
