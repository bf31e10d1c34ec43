/* An XDP load balancer in the shape of the talk's north-south path: parse Ethernet, IPv4 and
 * TCP/UDP, look the service up, pick a backend at random, rewrite the destination with
 * incremental checksums, and send the packet back out. */
#include "bpf-defs.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/in.h>

struct svc_key { __u32 addr; __u16 port; __u8 proto; __u8 pad; };
struct svc { __u32 first_backend; __u32 count; };
struct backend { __u32 addr; __u16 port; __u16 pad; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct svc_key); __type(value, struct svc); } services SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4096); __type(key, __u32); __type(value, struct backend); } backends SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } stats SEC(".maps");

static __always_inline __u16 csum_fold(__u32 c) {
  c = (c & 0xffff) + (c >> 16);
  c = (c & 0xffff) + (c >> 16);
  return ~c;
}

static __always_inline void count(__u32 what) {
  __u64 *n = bpf_map_lookup_elem(&stats, &what);
  if (n) __sync_fetch_and_add(n, 1);
}

SEC("xdp")
int lb(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_DROP;
  if (eth->h_proto != __builtin_bswap16(ETH_P_IP)) return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end) return XDP_DROP;
  if (ip->ihl != 5) return XDP_PASS;
  struct svc_key key = { .addr = ip->daddr, .proto = ip->protocol };
  __u16 *dport;
  if (ip->protocol == IPPROTO_TCP) {
    struct tcphdr *tcp = (void *)(ip + 1);
    if ((void *)(tcp + 1) > data_end) return XDP_DROP;
    dport = &tcp->dest;
  } else if (ip->protocol == IPPROTO_UDP) {
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > data_end) return XDP_DROP;
    dport = &udp->dest;
  } else {
    return XDP_PASS;
  }
  key.port = *dport;
  struct svc *s = bpf_map_lookup_elem(&services, &key);
  if (!s) { count(0); return XDP_PASS; }
  if (s->count == 0) { count(1); return XDP_DROP; }
  __u32 idx = s->first_backend + bpf_get_prandom_u32() % s->count;
  struct backend *b = bpf_map_lookup_elem(&backends, &idx);
  if (!b) return XDP_ABORTED;
  __u32 old = ip->daddr;
  ip->daddr = b->addr;
  __u32 c = (~ip->check & 0xffff) + (~old & 0xffff) + (~old >> 16) + (b->addr & 0xffff) + (b->addr >> 16);
  ip->check = csum_fold(c);
  *dport = b->port;
  unsigned char tmp[ETH_ALEN];
  __builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
  __builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
  __builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
  count(2);
  return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
