// expect: accept
// why: bpf_ktime_get_ns and bpf_get_smp_processor_id, base helpers any tc program may call.
#include "../include/corpus.h"

SEC("tc") int prog(struct __sk_buff *skb) { return (bpf_ktime_get_ns() + bpf_get_smp_processor_id()) & 1; }
char LICENSE[] SEC("license") = "GPL";
