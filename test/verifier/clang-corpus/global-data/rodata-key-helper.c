// expect: accept
// why: read-only .rodata may be passed to a helper argument that is only read (a map key).
#include "../include/corpus.h"

const volatile __u32 wanted = 3;
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} seen SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 *v = bpf_map_lookup_elem(&seen, (const void *)&wanted);
  return v && *v ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
