// expect: reject: program of this type cannot use helper bpf_skb_cgroup_id#79
// why: XDP has no socket buffer: a tc-only helper is not available there.
#include "../include/corpus.h"

SEC("xdp") int who(struct xdp_md *ctx) { return bpf_skb_cgroup_id((void *)ctx) & 1 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
