// The bench program in C, for clang -O2 -target bpf: the same as
// test/lang/fixtures/programs/bench-lb.ts (parse, map lookup, rewrite, checksums, XDP_TX).
// Self-contained: the few uapi definitions it needs are written out here.

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;

#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct xdp_md { __u32 data; __u32 data_end; __u32 data_meta; __u32 ingress_ifindex; __u32 rx_queue_index; __u32 egress_ifindex; };
struct ethhdr { __u8 h_dest[6]; __u8 h_source[6]; __be16 h_proto; };
struct iphdr { __u8 version_ihl; __u8 tos; __be16 tot_len; __be16 id; __be16 frag_off; __u8 ttl; __u8 protocol; __u16 check; __be32 saddr; __be32 daddr; };
struct tcphdr { __be16 source; __be16 dest; __be32 seq; __be32 ack_seq; __u8 doff_res; __u8 flags; __be16 window; __u16 check; __be16 urg_ptr; };

struct key { __be32 addr; __be16 port; __u8 proto; __u8 pad; };
struct backend { __be32 addr; __be16 port; __u16 pad; __u64 packets; };

struct {
  __uint(type, 1 /* BPF_MAP_TYPE_HASH */);
  __uint(max_entries, 1024);
  __type(key, struct key);
  __type(value, struct backend);
} services SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

enum { XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3 };

/* RFC 1624: HC' = ~(~HC + ~m + m'), folded; the same arithmetic as BPF-TS's csumReplace. */
static __always_inline __u16 csum_replace4(__u16 check, __u32 from, __u32 to) {
  __u64 s = (__u16)~check + (__u64)(__u32)~from + to;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (__u16)~s;
}

static __always_inline __u16 csum_replace2(__u16 check, __u16 from, __u16 to) {
  __u64 s = (__u16)~check + (__u64)(__u16)~from + to;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (__u16)~s;
}

SEC("xdp")
int bench_lb(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_DROP;
  if (eth->h_proto != __builtin_bswap16(0x0800)) return XDP_PASS;
  struct iphdr *ip = data + 14;
  if ((void *)(ip + 1) > data_end) return XDP_DROP;
  if (ip->protocol != 6) return XDP_PASS;
  struct tcphdr *tcp = data + 14 + (ip->version_ihl & 0x0f) * 4;
  if ((void *)(tcp + 1) > data_end) return XDP_DROP;
  struct key k = { .addr = ip->daddr, .port = tcp->dest, .proto = 6, .pad = 0 };
  struct backend *be = bpf_map_lookup_elem(&services, &k);
  if (!be) return XDP_PASS;
  be->packets += 1;
  __be32 daddr = ip->daddr;
  __be16 dport = tcp->dest;
  tcp->check = csum_replace4(tcp->check, daddr, be->addr);
  tcp->check = csum_replace2(tcp->check, dport, be->port);
  ip->check = csum_replace4(ip->check, daddr, be->addr);
  ip->daddr = be->addr;
  tcp->dest = be->port;
  return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
