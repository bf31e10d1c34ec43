// expect: reject: program of this type cannot use helper bpf_get_socket_cookie#46
// why: bpf_get_socket_cookie needs a socket-bearing context: XDP has none.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) { return bpf_get_socket_cookie(ctx) & 1 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
