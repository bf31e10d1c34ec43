// expect: accept
// why: bpf_redirect and bpf_skb_change_type-free forwarding from tc, the helper a datapath uses.
#include "../include/corpus.h"

SEC("tc") int prog(struct __sk_buff *skb) { return bpf_redirect(skb->ifindex, 0); }
char LICENSE[] SEC("license") = "GPL";
