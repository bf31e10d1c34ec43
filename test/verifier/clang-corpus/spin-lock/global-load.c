// expect: reject: bpf_spin_lock cannot be accessed directly by load/store
// why: a lock in global data (.bss) is a special field of that section's map too.
#include "../include/corpus.h"

struct bpf_spin_lock glock;
__u64 count;

SEC("tc") int peek(struct __sk_buff *skb) { return *(volatile __u32 *)&glock; }
char LICENSE[] SEC("license") = "GPL";
