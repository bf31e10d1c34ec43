// expect: accept
// why: this kernel lets XDP programs call bpf_get_current_pid_tgid (a base helper).
#include "../include/corpus.h"

SEC("xdp") int who(struct xdp_md *ctx) { return bpf_get_current_pid_tgid() & 1 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
