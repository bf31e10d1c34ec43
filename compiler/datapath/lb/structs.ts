// The load balancer's map keys and values, byte for byte as compiler/emit/map-layouts.ts lays
// them out (names included, so the object's BTF reads like the layout table in docs/generated.md;
// test/datapath/layouts.test.ts holds the two together). `in6` fields are FixedArray<be32, 4>.

/** lb4_services / lb6_services key: frontend × scope × slot. */
export interface lb4_key {
  address: be32;
  port: be16;
  protocol: u8;
  scope: u8;
  slot: u16;
  pad: u16;
}

export interface lb6_key {
  address: FixedArray<be32, 4>;
  port: be16;
  protocol: u8;
  scope: u8;
  slot: u16;
  pad: u16;
}

/** Slot 0: the entry (counts, IDs, flags); slots 1..n: backend_id only. */
export interface lb_service {
  backend_id: u32;
  count: u16;
  terminating: u16;
  rev_nat_id: u16;
  service_id: u16;
  flags: u16;
  pad: u16;
}

export interface lb_backend_key {
  backend_id: u32;
}

export interface lb4_backend {
  address: be32;
  port: be16;
  protocol: u8;
  flags: u8;
}

export interface lb6_backend {
  address: FixedArray<be32, 4>;
  port: be16;
  protocol: u8;
  flags: u8;
}

export interface lb_rev_nat_key {
  rev_nat_id: u16;
}

export interface lb4_reverse_nat {
  address: be32;
  port: be16;
  pad: u16;
}

export interface lb6_reverse_nat {
  address: FixedArray<be32, 4>;
  port: be16;
  pad: u16;
}

export interface lb4_src_range_key {
  prefixlen: u32;
  rev_nat_id: u16;
  pad: u16;
  address: be32;
}

export interface lb6_src_range_key {
  prefixlen: u32;
  rev_nat_id: u16;
  pad: u16;
  address: FixedArray<be32, 4>;
}

export interface lb_src_range_value {
  allowed: u8;
}

export interface lb_maglev_key {
  service_id: u16;
  set: u8;
  family: u8;
}

/** client: the netns cookie (socket LB) or the client address in network order (tc/XDP). */
export interface lb4_affinity_key {
  client: u64;
  service_id: u16;
  netns: u8;
  pad: FixedArray<u8, 5>;
}

export interface lb6_affinity_key {
  client: FixedArray<be32, 4>;
  service_id: u16;
  netns: u8;
  pad: u8;
}

/** last_used: bpf_ktime_get_ns() of the last connection that used the entry. */
export interface lb_affinity_value {
  last_used: u64;
  backend_id: u32;
  pad: u32;
}

export interface ct4_key {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  protocol: u8;
  flags: u8;
  pad: u16;
}

export interface ct6_key {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  protocol: u8;
  flags: u8;
  pad: u16;
}

/**
 * North-south conntrack (compiler/datapath/nodeport/conntrack4.ts): how to translate the packets
 * of the key's direction, as the whole new source and destination.
 */
export interface ct4_value {
  lifetime: u64;
  backend_id: u32;
  rev_nat_id: u16;
  flags: u16;
  src_addr: be32;
  dst_addr: be32;
  src_port: be16;
  dst_port: be16;
  /** The cached next hop (nodeport/route-cache.ts); 0: ask the FIB. */
  ifindex: u32;
  /** MACs as 16-bit words, as the Ethernet header at NET_IP_ALIGN takes them. */
  dmac: FixedArray<u16, 3>;
  smac: FixedArray<u16, 3>;
  pad: u32;
}

export interface ct6_value {
  lifetime: u64;
  backend_id: u32;
  rev_nat_id: u16;
  flags: u16;
  src_addr: FixedArray<be32, 4>;
  dst_addr: FixedArray<be32, 4>;
  src_port: be16;
  dst_port: be16;
  /** The cached next hop (nodeport/route-cache.ts); 0: ask the FIB. */
  ifindex: u32;
  dmac: FixedArray<u16, 3>;
  smac: FixedArray<u16, 3>;
  pad: u32;
}

/** The socket LB's reverse translation: socket cookie + the backend it was sent to. */
export interface lb4_sock_key {
  cookie: u64;
  address: be32;
  port: be16;
  pad: u16;
}

export interface lb4_sock_reverse_nat {
  address: be32;
  port: be16;
  rev_nat_id: u16;
}

export interface lb6_sock_key {
  cookie: u64;
  address: FixedArray<be32, 4>;
  port: be16;
  pad: FixedArray<u8, 6>;
}

export interface lb6_sock_reverse_nat {
  address: FixedArray<be32, 4>;
  port: be16;
  rev_nat_id: u16;
}

export interface lb_stats_key {
  service_id: u32;
}

/** Per service port, per CPU: `switchyard-node dump lb_stats` sums the CPUs. */
export interface lb_stats {
  translations: u64;
  no_backend: u64;
  packets: u64;
  bytes: u64;
}

/**
 * The node's own facts, one entry written per node by the emitter (objects are shared by every
 * node of a feature set, so nothing node-specific is compiled in).
 */
export interface node_config {
  node_id: u32;
  ipv4_count: u8;
  ipv6_count: u8;
  pod_prefix4: u8;
  pod_prefix6: u8;
  ipv4: FixedArray<be32, 4>;
  ipv6: FixedArray<FixedArray<be32, 4>, 4>;
  pod_cidr4: be32;
  pod_cidr6: FixedArray<be32, 4>;
}
