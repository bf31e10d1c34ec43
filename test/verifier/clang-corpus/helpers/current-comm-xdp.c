// expect: accept
// why: this kernel lets XDP programs call bpf_get_current_comm (a base helper since 6.x), like bpf_get_current_pid_tgid.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) {
  char comm[16];
  bpf_get_current_comm(comm, sizeof(comm));
  return comm[0] ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
