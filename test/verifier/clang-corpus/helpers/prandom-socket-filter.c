// expect: accept
// why: a socket filter sampling packets with bpf_get_prandom_u32.
#include "../include/corpus.h"

SEC("socket") int prog(struct __sk_buff *skb) { return bpf_get_prandom_u32() % 100 < 5 ? skb->len : 0; }
char LICENSE[] SEC("license") = "GPL";
