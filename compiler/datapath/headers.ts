// Protocol headers as BPF-TS structs (wire layout, network byte order), and their constants.
// Datapath programs import what they parse: `import { EthHdr, ETH_HLEN } from './headers.ts'`.

export const ETH_ALEN = 6;
export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPV6 = 0x86dd;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ICMPV6 = 58;

/** IPv4 flags and fragment offset (frag_off, in host order after ntohs). */
export const IP_MF = 0x2000;
export const IP_OFFSET = 0x1fff;

export interface EthHdr {
  h_dest: FixedArray<u8, 6>;
  h_source: FixedArray<u8, 6>;
  h_proto: be16;
}

export interface VlanHdr {
  tci: be16;
  encapsulated_proto: be16;
}

/** `version_ihl`: version in the high nibble, header length in 32-bit words in the low one. */
export interface Ipv4Hdr {
  version_ihl: u8;
  tos: u8;
  tot_len: be16;
  id: be16;
  frag_off: be16;
  ttl: u8;
  protocol: u8;
  check: be16;
  saddr: be32;
  daddr: be32;
}

/** `vtc_flow`: version (4 bits), traffic class (8), flow label (20). */
export interface Ipv6Hdr {
  vtc_flow: be32;
  payload_len: be16;
  nexthdr: u8;
  hop_limit: u8;
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
}

/** `doff_flags`: data offset in 32-bit words (high nibble of the first byte), then the flags. */
export interface TcpHdr {
  source: be16;
  dest: be16;
  seq: be32;
  ack_seq: be32;
  doff_res: u8;
  flags: u8;
  window: be16;
  check: be16;
  urg_ptr: be16;
}

export interface UdpHdr {
  source: be16;
  dest: be16;
  len: be16;
  check: be16;
}

export interface IcmpHdr {
  type: u8;
  code: u8;
  checksum: be16;
  rest: be32;
}

/** Byte offsets of the checksum fields, for l3CsumReplace/l4CsumReplace. */
export const IPV4_CSUM_OFF = 10;
export const TCP_CSUM_OFF = 16;
export const UDP_CSUM_OFF = 6;

export const TCP_FLAG_FIN = 0x01;
export const TCP_FLAG_SYN = 0x02;
export const TCP_FLAG_RST = 0x04;
export const TCP_FLAG_ACK = 0x10;
