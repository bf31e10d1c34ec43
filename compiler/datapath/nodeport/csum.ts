// Ones'-complement checksum arithmetic (RFC 1624) shared by the translations of both families:
// changes summed as host-order differences, left unfolded (a sum of sixteen 32-bit words still
// fits 37 bits), and folded once where they are used: added to a checksum field directly (XDP,
// and headers no skb state follows) or handed to the kernel's helpers (tc). On XDP's established
// path that is one fold per checksum field instead of one more per difference.

/**
 * A sum of host-order 16- and 32-bit values (below 2^40) folded to 16 bits, ones'-complement
 * (its carries wrap around: 2^16 counts as 1).
 * @inline
 */
export function foldSum(sum: u64): u64 {
  let s = (sum & 0xffff) + (sum >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (s & 0xffff) + (s >> 16);
}

/**
 * A checksum field with a difference (host order, unfolded) added: RFC 1624's
 * HC' = ~(~HC + m' + ~m), the m's already summed in `diff`.
 * @inline
 */
export function addToCheck(check: be16, diff: u64): be16 {
  return htons(~u16(foldSum(u64(~ntohs(check)) + diff)));
}

/**
 * A difference (unfolded) as the kernel's checksum helpers take it in their size-0 form: a 16-bit
 * sum in the byte order they read from memory.
 * @inline
 */
export function forHelpers(diff: u64): u64 {
  return u64(bswap16(u16(foldSum(diff))));
}
