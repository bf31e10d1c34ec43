/* A tc ingress program that rewrites the source of replies (reverse NAT) with skb_store_bytes
 * and the checksum helpers, then forwards with a FIB lookup and redirect_neigh, and walks IPv6
 * extension headers in a bounded loop. */
#include "bpf-defs.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <stddef.h>

struct nat_key { __u32 addr; __u16 port; __u8 proto; __u8 pad; };
struct nat { __u32 addr; __u16 port; __u16 pad; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct nat_key); __type(value, struct nat); } rnat SEC(".maps");

#define IP_SRC_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))

static __always_inline int v6_skip_ext(struct __sk_buff *skb) {
  void *data = (void *)(long)skb->data;
  void *data_end = (void *)(long)skb->data_end;
  struct ipv6hdr *ip6 = data + ETH_HLEN;
  if ((void *)(ip6 + 1) > data_end) return -1;
  __u8 next = ip6->nexthdr;
  __u32 off = ETH_HLEN + sizeof(*ip6);
#pragma unroll
  for (int i = 0; i < 4; i++) {
    if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS) break;
    __u8 *h = data + off;
    if ((void *)(h + 2) > data_end) return -1;
    next = h[0];
    off += (h[1] + 1) * 8;
    if (off > 512) return -1;
  }
  return next;
}

SEC("tc")
int rev_nat(struct __sk_buff *skb) {
  void *data = (void *)(long)skb->data;
  void *data_end = (void *)(long)skb->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return TC_ACT_OK;
  if (eth->h_proto == __builtin_bswap16(ETH_P_IPV6)) return v6_skip_ext(skb) < 0 ? TC_ACT_SHOT : TC_ACT_OK;
  if (eth->h_proto != __builtin_bswap16(ETH_P_IP)) return TC_ACT_OK;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end) return TC_ACT_OK;
  struct nat_key k = { .addr = ip->saddr, .proto = ip->protocol };
  struct nat *n = bpf_map_lookup_elem(&rnat, &k);
  if (!n) return TC_ACT_OK;
  __u32 old = ip->saddr;
  __u32 new = n->addr;
  bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, new, sizeof(new));
  bpf_skb_store_bytes(skb, IP_SRC_OFF, &new, sizeof(new), 0);
  /* The packet may have moved: reload before touching it again. */
  data = (void *)(long)skb->data;
  data_end = (void *)(long)skb->data_end;
  ip = data + ETH_HLEN;
  if ((void *)(ip + 1) > data_end) return TC_ACT_SHOT;
  struct bpf_fib_lookup fib = {};
  fib.family = 2;
  fib.ipv4_src = ip->saddr;
  fib.ipv4_dst = ip->daddr;
  fib.ifindex = skb->ingress_ifindex;
  long r = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
  if (r != 0) return TC_ACT_OK;
  return bpf_redirect_neigh(fib.ifindex, 0, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
