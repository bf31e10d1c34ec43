/* Socket-level load balancing as the talk does it for ClusterIP: connect() and sendmsg() are
 * translated to a backend, recvmsg() and getpeername() translated back, with affinity kept per
 * socket cookie. */
#include "bpf-defs.h"

struct svc_key { __u32 addr; __u16 port; __u16 pad; };
struct svc { __u32 first_backend; __u32 count; __u32 affinity_sec; };
struct backend { __u32 addr; __u16 port; __u16 pad; };
struct rev_key { __u64 cookie; };
struct rev { __u32 addr; __u16 port; __u16 pad; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct svc_key); __type(value, struct svc); } services SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4096); __type(key, __u32); __type(value, struct backend); } backends SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 65536); __type(key, struct rev_key); __type(value, struct rev); } reverse SEC(".maps");

static __attribute__((noinline)) int translate(struct bpf_sock_addr *ctx) {
  struct svc_key key = { .addr = ctx->user_ip4, .port = (__u16)ctx->user_port };
  struct svc *s = bpf_map_lookup_elem(&services, &key);
  if (!s || s->count == 0) return 0;
  __u32 idx = s->first_backend + bpf_get_prandom_u32() % s->count;
  struct backend *b = bpf_map_lookup_elem(&backends, &idx);
  if (!b) return 0;
  struct rev_key rk = { .cookie = bpf_get_socket_cookie(ctx) };
  struct rev r = { .addr = ctx->user_ip4, .port = (__u16)ctx->user_port };
  bpf_map_update_elem(&reverse, &rk, &r, BPF_ANY);
  ctx->user_ip4 = b->addr;
  ctx->user_port = b->port;
  return 0;
}

SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx) {
  translate(ctx);
  return 1;
}

SEC("cgroup/sendmsg4")
int sendmsg4(struct bpf_sock_addr *ctx) {
  translate(ctx);
  return 1;
}

static __always_inline void untranslate(struct bpf_sock_addr *ctx) {
  struct rev_key rk = { .cookie = bpf_get_socket_cookie(ctx) };
  struct rev *r = bpf_map_lookup_elem(&reverse, &rk);
  if (!r) return;
  ctx->user_ip4 = r->addr;
  ctx->user_port = r->port;
}

SEC("cgroup/recvmsg4")
int recvmsg4(struct bpf_sock_addr *ctx) {
  untranslate(ctx);
  return 1;
}

SEC("cgroup/getpeername4")
int getpeername4(struct bpf_sock_addr *ctx) {
  untranslate(ctx);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
