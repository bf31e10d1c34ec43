// Values the north-south datapath agrees on with itself and with its tests: conntrack flags and
// lifetimes, the SNAT port range, the DSR option's encoding, and the verdicts the core returns
// before a context layer turns them into XDP_* or TC_ACT_* codes.

/** ct4_key.flags / ct6_key.flags: which way the tuple points. */
export const CT_SERVICE = 0; // client → frontend, as it arrives at the load-balancing node
export const CT_REPLY = 1; // backend → client (or → node, SNAT), as the reply travels

/** ct4_value.flags / ct6_value.flags. */
export const CT_SNAT = 0x0001; // source translated to the node (service) / destination back to the client (reply)
export const CT_DSR = 0x0002; // forwarded with the DSR option / reply entry made from one at the backend's node
export const CT_LOCAL = 0x0004; // the backend runs on this node
export const CT_CLOSING = 0x0008; // FIN or RST seen: the short lifetime applies
export const CT_EGRESS = 0x0010; // reply entry translated on the way out (tcx/egress), not at ingress

/**
 * Lifetimes in nanoseconds of conntrack's clock (clock.ts: jiffies times the node's measured
 * jiffy length, so the seconds hold on any HZ). Entries are in LRU maps, so an idle flow's entry
 * goes when space is needed whatever its lifetime; the lifetime matters for reuse of a 5-tuple,
 * and for SNAT ports, which a flow's reply entry holds until it expires (snat.ts).
 */
export const NS_PER_SECOND = 1_000_000_000;
export const LIFETIME_TCP_SYN = 60 * NS_PER_SECOND;
export const LIFETIME_TCP = 21600 * NS_PER_SECOND;
export const LIFETIME_TCP_CLOSING = 10 * NS_PER_SECOND;
export const LIFETIME_UDP = 60 * NS_PER_SECOND;
export const LIFETIME_REFRESH = 5 * NS_PER_SECOND;
/**
 * A jiffy's length until switchyard-node has measured the node's (node_clock is 0): the shortest,
 * HZ 1000's (format/node-clock.ts UNMEASURED_HZ), so that an entry lives at least as long as
 * stated, however fast the clock.
 */
export const NS_PER_JIFFY_UNMEASURED = 1_000_000;

/**
 * SNAT source ports, above the kernel's default ip_local_port_range (32768-60999) and the
 * NodePort range, so a translated flow never takes a port the node's own sockets may use.
 */
export const SNAT_PORT_MIN = 61000;
export const SNAT_PORT_COUNT = 4536; // 61000..65535
/** Ports tried per new flow before it is dropped (the 5-tuples of one backend are full). */
export const SNAT_TRIES = 16;

/**
 * DSR, IPv4: an 8-byte IP option right after the fixed header carries the frontend the client
 * used: type, length 8, port, address. Type 0x9e is RFC 4727's experimental option (number 30)
 * with the copied bit set, so every fragment carries it too. IPv6: a Destination Options header
 * of 24 bytes: PadN (so the address lands word-aligned), then option 0x1e (experimental; the top
 * bits 00 say "skip if unknown"), length 18: port and address.
 */
export const DSR_OPT4_TYPE = 0x9e;
export const DSR_OPT4_LEN = 8;
export const DSR_OPT6_TYPE = 0x1e;
export const DSR_OPT6_LEN = 18;
export const DSR_EXT6_LEN = 24;
export const IPPROTO_DSTOPTS = 60;

/** parse4/parse6 results. */
export const PARSE_OK = 0; // TCP or UDP with ports (a later fragment's come from the fragment map)
export const PARSE_PASS = 1; // not ours to translate: other protocols, unknown fragments, short packets
export const PARSE_ICMP = 2; // ICMP / ICMPv6 (not a fragment): maybe an error about a translated flow

/** ICMP error types whose quoted packet may belong to a translated flow. */
export const ICMP_DEST_UNREACH = 3; // fragmentation needed is its code 4
export const ICMP_PORT_UNREACH = 3; // the code reject4.ts answers with
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
export const ICMPV6_DEST_UNREACH = 1;
export const ICMPV6_PORT_UNREACH = 4; // the code reject6.ts answers with
export const ICMPV6_PKT_TOOBIG = 2;
export const ICMPV6_TIME_EXCEED = 3;
export const ICMPV6_PARAMPROB = 4;

/** Flow4.fragment / Flow6.fragment */
export const FRAG_NONE = 0;
export const FRAG_FIRST = 1; // offset 0, more to come: carries the L4 header
export const FRAG_LATER = 2; // no L4 header: translated by addresses only

/**
 * ingress4/ingress6's answer for ICMP: neither an XDP nor a tc verdict, so the program's entry
 * (ingress.ts) knows to call the ICMP error path itself, with a stack frame of its own.
 */
export const VERDICT_ICMP = 0x1c3;
/** ingress's (or IPv6's newIngress's) answer for a new flow to a service without endpoints: the entry rejects it. */
export const VERDICT_REJECT = 0x1c6;

/**
 * IPv6's ingress6 answer for a packet no entry knows: the entry calls newIngress6, whose frame
 * replaces ingress6's (lb.ts). Neither an XDP nor a tc verdict, as VERDICT_ICMP.
 */
export const VERDICT_NEW = 0x1c4;

/** unknownFlow's answer when the packet is to be translated as `t` says and sent (lb.ts). */
export const VERDICT_SEND = 0x1c5;

/** What a new flow's lookup decided (newFlow4/newFlow6). */
export const NEW_TRANSLATE = 0;
export const NEW_PASS = 1; // not a routable frontend
export const NEW_DROP = 2;
export const NEW_REJECT = 3; // no endpoint: answered with port unreachable

/** route's answer when hairpin mode leaves the FIB out: back where the frame came from. */
export const ROUTE_HAIRPIN = -100;

/** bpf_skb_adjust_room modes. */
export const BPF_ADJ_ROOM_NET = 0;
