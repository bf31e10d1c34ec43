// expect: accept
// why: bpf_get_current_pid_tgid and bpf_get_current_uid_gid from a tc program, both base helpers on this kernel.
#include "../include/corpus.h"

SEC("tc") int prog(struct __sk_buff *skb) { return (bpf_get_current_pid_tgid() ^ bpf_get_current_uid_gid()) & 1; }
char LICENSE[] SEC("license") = "GPL";
