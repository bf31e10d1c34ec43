// The byte layout of every BPF map the datapath uses, as data: map type, size, the spec field
// that sizes it, and key/value fields with offsets, sizes and byte order. The emitter encodes
// map contents from these; the datapath's structs and flags (compiler/datapath/lb/structs.ts,
// flags.ts) are generated from them by scripts/generate-tables.ts, and
// test/datapath/layouts.test.ts checks every object's BTF against them. Addresses and ports are
// in network order; everything else in host order (the emitter writes little-endian: x86-64 and
// arm64 nodes).

import type { MapSizes } from '../spec/types.ts';
import { NODE_CLOCK_MAP } from '../../format/node-clock.ts';

/**
 * `be*` and `in6`/`in4` are network order; `u*` are host order; `pad` must be zero; `mac` is a
 * MAC address as the Ethernet header holds it (6 bytes, 2-byte aligned).
 */
export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'be16' | 'be32' | 'in6' | 'mac' | 'pad' | 'u32[]' | 'be32[]' | 'in6[]';

export interface FieldLayout {
  name: string;
  type: FieldType;
  offset: number;
  size: number;
  byteOrder: 'network' | 'host' | 'none';
  doc?: string;
}

export interface StructLayout {
  /** The C/BPF-TS struct name the datapath should declare. */
  name: string;
  size: number;
  fields: FieldLayout[];
}

export type BpfMapType = 'BPF_MAP_TYPE_HASH' | 'BPF_MAP_TYPE_LRU_HASH' | 'BPF_MAP_TYPE_LPM_TRIE' | 'BPF_MAP_TYPE_PERCPU_HASH' | 'BPF_MAP_TYPE_ARRAY' | 'BPF_MAP_TYPE_SK_STORAGE';

export interface MapLayout {
  /** The map's name in the object's `.maps` section and in map-contents files. */
  name: string;
  type: BpfMapType;
  key: StructLayout;
  value: StructLayout;
  maxEntries: number;
  /** The spec field to raise when the map is full. */
  maxEntriesField: string;
  mapFlags: string[];
  /**
   * `compiled`: the compiler writes its contents (cluster-wide, plus what nodes add); `node`: only
   * per-node contents (nodes/<node>/maps/); `runtime`: the datapath fills it (geometry only);
   * `loader`: switchyard-node writes it at apply, from what it measures on the node.
   */
  contents: 'compiled' | 'node' | 'runtime' | 'loader';
  doc: string;
}

type ArrayType = 'pad' | 'u32[]' | 'be32[]' | 'in6[]';
type FieldDecl = [name: string, type: FieldType, doc?: string] | [name: string, type: ArrayType, doc: string | undefined, size: number];

const SIZES: Record<Exclude<FieldType, ArrayType>, number> = { u8: 1, u16: 2, u32: 4, u64: 8, be16: 2, be32: 4, in6: 16, mac: 6 };
const isArrayType = (t: FieldType): t is ArrayType => t === 'pad' || t.endsWith('[]');

/** Sequential layout; every field must sit at its natural alignment, as in a C struct. */
export function struct(name: string, decls: FieldDecl[]): StructLayout {
  let offset = 0;
  let align = 1;
  const fields = decls.map((d) => {
    const [fname, type, doc] = d;
    const size = isArrayType(type) ? (d[3] as number) : SIZES[type];
    // struct in6_addr is 4-byte aligned (its widest member is __be32[4]); so are the arrays here.
    const natural = type === 'pad' ? 1 : type === 'mac' ? 2 : type === 'in6' || isArrayType(type) ? 4 : size;
    if (offset % natural !== 0) throw new Error(`struct ${name}: field ${fname} at offset ${offset} is not ${natural}-byte aligned`);
    align = Math.max(align, natural);
    const f: FieldLayout = {
      name: fname,
      type,
      offset,
      size,
      byteOrder: type === 'be16' || type === 'be32' || type === 'in6' || type === 'be32[]' || type === 'in6[]' ? 'network' : type === 'pad' || type === 'u8' || type === 'mac' ? 'none' : 'host',
      ...(doc ? { doc } : {}),
    };
    offset += size;
    return f;
  });
  if (offset % align !== 0) throw new Error(`struct ${name}: size ${offset} is not a multiple of its alignment ${align}`);
  return { name, size: offset, fields };
}

/** Field offsets by name, for encoders. */
export function offsets<S extends StructLayout>(s: S): Record<string, number> {
  return Object.fromEntries(s.fields.map((f) => [f.name, f.offset]));
}

// --- Values with meaning inside fields -------------------------------------------------------

export const SCOPE = { external: 0, internal: 1 } as const;
export const PROTOCOL = { TCP: 6, UDP: 17 } as const;
export const BACKEND_SET = { all: 0, local: 1 } as const;

/** `lb_service.flags` on slot 0. Bits 0-7 are properties; bits 8-11 the frontend kind. */
export const SERVICE_FLAGS = {
  AFFINITY: { bit: 0x0001, doc: 'sessionAffinity ClientIP; slot 0 backend_id holds the timeout in seconds' },
  TWO_SCOPES: { bit: 0x0002, doc: 'an internal-scope entry exists: in-cluster lookups use it' },
  LOCAL: { bit: 0x0004, doc: 'backends are the node\'s own (traffic policy Local): keep the client IP' },
  SOURCE_RANGES: { bit: 0x0008, doc: 'check the client against the source-ranges map (key: rev_nat_id)' },
  WILDCARD: { bit: 0x0010, doc: 'address 0: applies to every local address of the node, loopback included' },
  ROUTABLE: { bit: 0x0020, doc: 'reachable from outside: tc/XDP serve it (ClusterIPs are never routed)' },
  NOT_IN_CLUSTER: { bit: 0x0040, doc: 'the socket LB leaves it alone (ExternalIPs: no in-cluster access)' },
} as const;

export const SERVICE_KIND = { ClusterIP: 1, NodePort: 2, ExternalIP: 3, LoadBalancer: 4, HostPort: 5 } as const;
export const SERVICE_KIND_SHIFT = 8;

export const BACKEND_FLAGS = {
  TERMINATING: { bit: 0x01, doc: 'terminating: a fallback only when no active backend is left' },
} as const;

// --- Structs ---------------------------------------------------------------------------------

const slotDoc = 'slot 0 holds the entry itself; slots 1..n the backends, active first';

export const LB4_KEY = struct('lb4_key', [
  ['address', 'be32', 'frontend address; 0 for wildcard entries'],
  ['port', 'be16'],
  ['protocol', 'u8', 'IPPROTO_TCP 6, IPPROTO_UDP 17'],
  ['scope', 'u8', '0 external, 1 internal'],
  ['slot', 'u16', slotDoc],
  ['pad', 'pad', undefined, 2],
]);

export const LB6_KEY = struct('lb6_key', [
  ['address', 'in6', 'frontend address; :: for wildcard entries'],
  ['port', 'be16'],
  ['protocol', 'u8'],
  ['scope', 'u8'],
  ['slot', 'u16', slotDoc],
  ['pad', 'pad', undefined, 2],
]);

export const LB_SERVICE = struct('lb_service', [
  ['backend_id', 'u32', 'slots 1..n: the backend; slot 0: the affinity timeout in seconds'],
  ['count', 'u16', 'slot 0: active backends (slots 1..count)'],
  ['terminating', 'u16', 'slot 0: terminating backends after the active ones, used only when count is 0'],
  ['rev_nat_id', 'u16', 'slot 0: the reverse-NAT entry of this frontend'],
  ['service_id', 'u16', 'slot 0: the service port: key of Maglev tables and affinity'],
  ['flags', 'u16', 'slot 0: SERVICE_FLAGS | kind << 8'],
  ['pad', 'pad', undefined, 2],
]);

export const BACKEND_ID = struct('lb_backend_key', [['backend_id', 'u32']]);

export const LB4_BACKEND = struct('lb4_backend', [
  ['address', 'be32'],
  ['port', 'be16'],
  ['protocol', 'u8'],
  ['flags', 'u8', 'BACKEND_FLAGS'],
]);

export const LB6_BACKEND = struct('lb6_backend', [
  ['address', 'in6'],
  ['port', 'be16'],
  ['protocol', 'u8'],
  ['flags', 'u8', 'BACKEND_FLAGS'],
]);

export const REV_NAT_ID = struct('lb_rev_nat_key', [['rev_nat_id', 'u16']]);

export const LB4_REVERSE_NAT = struct('lb4_reverse_nat', [
  ['address', 'be32', '0 for wildcard frontends: the node address the client used'],
  ['port', 'be16'],
  ['pad', 'pad', undefined, 2],
]);

export const LB6_REVERSE_NAT = struct('lb6_reverse_nat', [
  ['address', 'in6'],
  ['port', 'be16'],
  ['pad', 'pad', undefined, 2],
]);

export const LB4_SRC_RANGE_KEY = struct('lb4_src_range_key', [
  ['prefixlen', 'u32', 'LPM prefix: 32 (rev_nat_id and pad) + the CIDR prefix'],
  ['rev_nat_id', 'u16'],
  ['pad', 'pad', undefined, 2],
  ['address', 'be32'],
]);

export const LB6_SRC_RANGE_KEY = struct('lb6_src_range_key', [
  ['prefixlen', 'u32', 'LPM prefix: 32 (rev_nat_id and pad) + the CIDR prefix'],
  ['rev_nat_id', 'u16'],
  ['pad', 'pad', undefined, 2],
  ['address', 'in6'],
]);

export const SRC_RANGE_VALUE = struct('lb_src_range_value', [['allowed', 'u8', '1: the client may use the frontend']]);

export const MAGLEV_KEY = struct('lb_maglev_key', [
  ['service_id', 'u16'],
  ['set', 'u8', '0 all backends (cluster-wide file; zone- or node-narrowed in theirs), 1 the node\'s own (node file)'],
  ['family', 'u8', '4 or 6: a dual-stack port has one table per family'],
]);

export function maglevValue(tableSize: number): StructLayout {
  return struct('lb_maglev_table', [['backend_ids', 'u32[]', `one backend ID per slot, ${tableSize} slots (prime)`, 4 * tableSize]]);
}

export const LB4_AFFINITY_KEY = struct('lb4_affinity_key', [
  ['client', 'u64', 'netns cookie (socket LB) or client address in network order (tc/XDP)'],
  ['service_id', 'u16'],
  ['netns', 'u8', '1 when client is a netns cookie'],
  ['pad', 'pad', undefined, 5],
]);

export const LB6_AFFINITY_KEY = struct('lb6_affinity_key', [
  ['client', 'in6', 'client address, or the netns cookie in the first 8 bytes'],
  ['service_id', 'u16'],
  ['netns', 'u8'],
  ['pad', 'pad', undefined, 1],
]);

export const AFFINITY_VALUE = struct('lb_affinity_value', [
  ['last_used', 'u64', 'bpf_ktime_get_ns() of the last connection that used it'],
  ['backend_id', 'u32'],
  ['pad', 'pad', undefined, 4],
]);

export const CT4_KEY = struct('ct4_key', [
  ['saddr', 'be32'],
  ['daddr', 'be32'],
  ['sport', 'be16'],
  ['dport', 'be16'],
  ['protocol', 'u8'],
  ['flags', 'u8', 'direction'],
  ['pad', 'pad', undefined, 2],
]);

export const CT6_KEY = struct('ct6_key', [
  ['saddr', 'in6'],
  ['daddr', 'in6'],
  ['sport', 'be16'],
  ['dport', 'be16'],
  ['protocol', 'u8'],
  ['flags', 'u8'],
  ['pad', 'pad', undefined, 2],
]);

/** The conntrack clock: compiler/datapath/nodeport/clock.ts. */
const expiresDoc = 'when the entry expires, ns of the conntrack clock: bpf_jiffies64() × node_clock.ns_per_jiffy (was `lifetime`, in jiffies)';
const ctFlagsDoc = 'CT_* in compiler/datapath/nodeport/constants.ts: SNAT, DSR, LOCAL, CLOSING, EGRESS';

/**
 * The next hop a flow's packets leave by, cached from bpf_fib_lookup by the flow's second packet
 * (compiler/datapath/nodeport/route-cache.ts) so that later ones skip the lookup; 0: none yet, or
 * dropped when the lifetime is written back, so the route is asked again every few seconds.
 */
const cachedHopFields: FieldDecl[] = [
  ['ifindex', 'u32', 'cached egress device; 0: ask the FIB'],
  ['dmac', 'mac', 'cached next hop\'s MAC'],
  ['smac', 'mac', 'cached egress device\'s MAC'],
  ['pad', 'pad', undefined, 4],
];

/** How to translate the key's packets: the whole new 4-tuple, and the cached next hop. */
export const CT4_VALUE = struct('ct4_value', [
  ['expires', 'u64', expiresDoc],
  ['backend_id', 'u32'],
  ['rev_nat_id', 'u16'],
  ['flags', 'u16', ctFlagsDoc],
  ['src_addr', 'be32', 'new source: the node (SNAT), or the frontend (replies)'],
  ['dst_addr', 'be32', 'new destination: the backend, or the client (SNAT replies)'],
  ['src_port', 'be16'],
  ['dst_port', 'be16'],
  ...cachedHopFields,
]);

export const CT6_VALUE = struct('ct6_value', [
  ['expires', 'u64', expiresDoc],
  ['backend_id', 'u32'],
  ['rev_nat_id', 'u16'],
  ['flags', 'u16', ctFlagsDoc],
  ['src_addr', 'in6'],
  ['dst_addr', 'in6'],
  ['src_port', 'be16'],
  ['dst_port', 'be16'],
  ...cachedHopFields,
]);

/** What every fragment of one IPv4 datagram shares. */
export const FRAG4_KEY = struct('frag4_key', [
  ['saddr', 'be32'],
  ['daddr', 'be32'],
  ['id', 'be16', 'the IPv4 identification field'],
  ['protocol', 'u8'],
  ['pad', 'pad', undefined, 1],
]);

export const FRAG4_VALUE = struct('frag4_ports', [
  ['sport', 'be16', 'the ports the first fragment carried'],
  ['dport', 'be16'],
]);

/** Datagrams whose later fragments may be in flight at once (a fixed size: they live briefly). */
export const FRAG4_ENTRIES = 8192;

/** What every fragment of one IPv6 datagram shares (its value is frag4_ports too). */
export const FRAG6_KEY = struct('frag6_key', [
  ['saddr', 'in6'],
  ['daddr', 'in6'],
  ['id', 'be32', 'the fragment header\'s identification'],
  ['protocol', 'u8'],
  ['pad', 'pad', undefined, 3],
]);

export const SOCK4_KEY = struct('lb4_sock_key', [
  ['cookie', 'u64', 'socket cookie'],
  ['address', 'be32', 'backend address'],
  ['port', 'be16'],
  ['pad', 'pad', undefined, 2],
]);

export const SOCK6_KEY = struct('lb6_sock_key', [
  ['cookie', 'u64'],
  ['address', 'in6'],
  ['port', 'be16'],
  ['pad', 'pad', undefined, 6],
]);

export const SOCK4_VALUE = struct('lb4_sock_reverse_nat', [
  ['address', 'be32', 'the frontend the socket connected to'],
  ['port', 'be16'],
  ['rev_nat_id', 'u16'],
]);

export const SOCK6_VALUE = struct('lb6_sock_reverse_nat', [
  ['address', 'in6'],
  ['port', 'be16'],
  ['rev_nat_id', 'u16'],
]);

/** Socket-local storage is keyed by a socket: programs pass the socket, userspace a socket fd. */
export const SOCK_STORAGE_KEY = struct('sock_storage_key', [['fd', 'u32', 'a socket fd (userspace); programs pass the socket itself']]);

/**
 * A connected socket's peer as the socket LB chose it: the frontend the application named, the
 * backend it now talks to. Kept in the socket (BPF_MAP_TYPE_SK_STORAGE), gone with it.
 */
export const SOCK4_PEER = struct('lb4_sock_peer', [
  ['address', 'be32', 'the frontend the socket connected to'],
  ['port', 'be16'],
  ['rev_nat_id', 'u16', '0: the socket\'s last connect named no service'],
  ['backend', 'be32', 'the backend it was given'],
  ['backend_port', 'be16'],
  ['pad', 'pad', undefined, 2],
]);

export const SOCK6_PEER = struct('lb6_sock_peer', [
  ['address', 'in6'],
  ['port', 'be16'],
  ['rev_nat_id', 'u16'],
  ['backend', 'in6'],
  ['backend_port', 'be16'],
  ['pad', 'pad', undefined, 2],
]);

export const STATS_KEY = struct('lb_stats_key', [['service_id', 'u32', 'the service port (lb_service.service_id)']]);

export const STATS_VALUE = struct('lb_stats', [
  ['translations', 'u64', 'connections (socket LB: connect/sendmsg) or flows (tc/XDP) sent to a backend'],
  ['no_backend', 'u64', 'refused: the service had no backend to offer'],
  ['packets', 'u64', 'north-south packets forwarded'],
  ['bytes', 'u64', 'north-south bytes forwarded'],
  ['snat_full', 'u64', 'north-south new flows dropped: every SNAT port tried toward their backend was held'],
]);

/** Node addresses and pod CIDRs one node's object is told (objects are shared by nodes). */
export const NODE_CONFIG_LIMITS = { ipv4: 4, ipv6: 4 } as const;

export const NODE_CONFIG_KEY = struct('node_config_key', [['index', 'u32', 'always 0 (an array of one)']]);

export const NODE_CONFIG = struct('node_config', [
  ['node_id', 'u32', 'the node\'s position in the spec, from 1'],
  ['ipv4_count', 'u8', 'addresses used in ipv4'],
  ['ipv6_count', 'u8', 'addresses used in ipv6'],
  ['pod_prefix4', 'u8', 'pod_cidr4 prefix length; 0: none'],
  ['pod_prefix6', 'u8', 'pod_cidr6 prefix length; 0: none'],
  ['ipv4', 'be32[]', `the node's IPv4 addresses, ${NODE_CONFIG_LIMITS.ipv4} slots, unused ones 0`, 4 * NODE_CONFIG_LIMITS.ipv4],
  ['ipv6', 'in6[]', `the node's IPv6 addresses, ${NODE_CONFIG_LIMITS.ipv6} slots, unused ones ::`, 16 * NODE_CONFIG_LIMITS.ipv6],
  ['pod_cidr4', 'be32', 'the node\'s IPv4 pod CIDR (network address)'],
  ['pod_cidr6', 'in6', 'the node\'s IPv6 pod CIDR (network address)'],
]);

/** The length of the node's jiffy (format/node-clock.ts), which the loader measures. */
export const NODE_CLOCK = struct('node_clock', [['ns_per_jiffy', 'u64', 'nanoseconds per bpf_jiffies64() tick (1e9 / CONFIG_HZ); 0: not measured, taken as HZ 1000']]);

// --- Maps ------------------------------------------------------------------------------------

export const MAP = {
  services4: 'lb4_services',
  services6: 'lb6_services',
  backends4: 'lb4_backends',
  backends6: 'lb6_backends',
  reverseNat4: 'lb4_reverse_nat',
  reverseNat6: 'lb6_reverse_nat',
  sourceRanges4: 'lb4_source_ranges',
  sourceRanges6: 'lb6_source_ranges',
  maglev: 'lb_maglev',
  affinity4: 'lb4_affinity',
  affinity6: 'lb6_affinity',
  conntrack4: 'ct4',
  conntrack6: 'ct6',
  fragments4: 'frag4',
  fragments6: 'frag6',
  sock4: 'lb4_sock_reverse_nat',
  sock6: 'lb6_sock_reverse_nat',
  sockPeer4: 'lb4_sock_peer',
  sockPeer6: 'lb6_sock_peer',
  stats: 'lb_stats',
  nodeConfig: 'node_config',
  nodeClock: NODE_CLOCK_MAP,
} as const;

/** Every map, in a fixed order; sizes from the spec's `cluster.maps`. */
export function mapLayouts(maps: MapSizes, maglevTableSize: number): MapLayout[] {
  const m = (
    name: string,
    type: BpfMapType,
    key: StructLayout,
    value: StructLayout,
    sizeField: keyof MapSizes | number,
    contents: MapLayout['contents'],
    doc: string,
    mapFlags: string[] = [],
  ): MapLayout => ({
    name,
    type,
    key,
    value,
    maxEntries: typeof sizeField === 'number' ? sizeField : maps[sizeField],
    maxEntriesField: type === 'BPF_MAP_TYPE_SK_STORAGE' ? '0 (a value per socket)' : typeof sizeField === 'number' ? `${sizeField} (fixed)` : `cluster.maps.${sizeField}`,
    mapFlags,
    contents,
    doc,
  });
  const services = 'frontend × scope × slot → slot 0: the entry; slots 1..n: backend IDs';
  return [
    m(MAP.services4, 'BPF_MAP_TYPE_HASH', LB4_KEY, LB_SERVICE, 'services', 'compiled', services),
    m(MAP.services6, 'BPF_MAP_TYPE_HASH', LB6_KEY, LB_SERVICE, 'services', 'compiled', services),
    m(MAP.backends4, 'BPF_MAP_TYPE_HASH', BACKEND_ID, LB4_BACKEND, 'backends', 'compiled', 'backend ID → address, port, protocol, flags'),
    m(MAP.backends6, 'BPF_MAP_TYPE_HASH', BACKEND_ID, LB6_BACKEND, 'backends', 'compiled', 'backend ID → address, port, protocol, flags'),
    m(MAP.reverseNat4, 'BPF_MAP_TYPE_HASH', REV_NAT_ID, LB4_REVERSE_NAT, 'reverseNat', 'compiled', 'rev-NAT ID → the frontend replies come from'),
    m(MAP.reverseNat6, 'BPF_MAP_TYPE_HASH', REV_NAT_ID, LB6_REVERSE_NAT, 'reverseNat', 'compiled', 'rev-NAT ID → the frontend replies come from'),
    m(MAP.sourceRanges4, 'BPF_MAP_TYPE_LPM_TRIE', LB4_SRC_RANGE_KEY, SRC_RANGE_VALUE, 'sourceRanges', 'compiled', 'loadBalancerSourceRanges per LoadBalancer frontend', ['BPF_F_NO_PREALLOC']),
    m(MAP.sourceRanges6, 'BPF_MAP_TYPE_LPM_TRIE', LB6_SRC_RANGE_KEY, SRC_RANGE_VALUE, 'sourceRanges', 'compiled', 'loadBalancerSourceRanges per LoadBalancer frontend', ['BPF_F_NO_PREALLOC']),
    m(MAP.maglev, 'BPF_MAP_TYPE_HASH', MAGLEV_KEY, maglevValue(maglevTableSize), 'reverseNat', 'compiled', 'Maglev table per service port and backend set; empty unless algorithm is maglev', ['BPF_F_NO_PREALLOC']),
    m(MAP.affinity4, 'BPF_MAP_TYPE_LRU_HASH', LB4_AFFINITY_KEY, AFFINITY_VALUE, 'affinity', 'runtime', 'sessionAffinity: client → backend'),
    m(MAP.affinity6, 'BPF_MAP_TYPE_LRU_HASH', LB6_AFFINITY_KEY, AFFINITY_VALUE, 'affinity', 'runtime', 'sessionAffinity: client → backend'),
    m(MAP.conntrack4, 'BPF_MAP_TYPE_LRU_HASH', CT4_KEY, CT4_VALUE, 'conntrack', 'runtime', 'north-south connection tracking: service and reply entries'),
    m(MAP.conntrack6, 'BPF_MAP_TYPE_LRU_HASH', CT6_KEY, CT6_VALUE, 'conntrack', 'runtime', 'north-south connection tracking: service and reply entries'),
    m(MAP.fragments4, 'BPF_MAP_TYPE_LRU_HASH', FRAG4_KEY, FRAG4_VALUE, FRAG4_ENTRIES, 'runtime', 'ports of fragmented IPv4 datagrams, for their later fragments'),
    m(MAP.fragments6, 'BPF_MAP_TYPE_LRU_HASH', FRAG6_KEY, FRAG4_VALUE, FRAG4_ENTRIES, 'runtime', 'ports of fragmented IPv6 datagrams, for their later fragments'),
    m(MAP.sock4, 'BPF_MAP_TYPE_LRU_HASH', SOCK4_KEY, SOCK4_VALUE, 'sockReverseNat', 'runtime', 'socket LB, unconnected UDP (sendmsg): cookie + backend → original frontend'),
    m(MAP.sock6, 'BPF_MAP_TYPE_LRU_HASH', SOCK6_KEY, SOCK6_VALUE, 'sockReverseNat', 'runtime', 'socket LB, unconnected UDP (sendmsg): cookie + backend → original frontend'),
    m(MAP.sockPeer4, 'BPF_MAP_TYPE_SK_STORAGE', SOCK_STORAGE_KEY, SOCK4_PEER, 0, 'runtime', 'socket LB, connected sockets: per socket, frontend and backend (dies with the socket)', ['BPF_F_NO_PREALLOC']),
    m(MAP.sockPeer6, 'BPF_MAP_TYPE_SK_STORAGE', SOCK_STORAGE_KEY, SOCK6_PEER, 0, 'runtime', 'socket LB, connected sockets: per socket, frontend and backend (dies with the socket)', ['BPF_F_NO_PREALLOC']),
    m(MAP.stats, 'BPF_MAP_TYPE_PERCPU_HASH', STATS_KEY, STATS_VALUE, 'reverseNat', 'runtime', 'counters per service port and CPU; switchyard-node dump sums the CPUs', ['BPF_F_NO_PREALLOC']),
    m(MAP.nodeConfig, 'BPF_MAP_TYPE_ARRAY', NODE_CONFIG_KEY, NODE_CONFIG, 1, 'node', 'the node\'s own addresses and pod CIDRs: one object serves every node'),
    m(MAP.nodeClock, 'BPF_MAP_TYPE_ARRAY', NODE_CONFIG_KEY, NODE_CLOCK, 1, 'loader', 'the length of a jiffy on this node (CONFIG_HZ), measured by switchyard-node: the conntrack clock'),
  ];
}
