// Ones'-complement checksum arithmetic (RFC 1624) shared by the translations of both families:
// changes summed once as host-order differences, folded, and added to a checksum field directly
// (XDP, and headers no skb state follows) or handed to the kernel's helpers (tc).

/**
 * A sum of host-order 16- and 32-bit values folded to 16 bits, ones'-complement (its carries
 * wrap around: 2^16 counts as 1).
 * @inline
 */
export function foldSum(sum: u64): u64 {
  let s = (sum & 0xffff) + (sum >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (s & 0xffff) + (s >> 16);
}

/**
 * A checksum field with a difference (host order, up to 17 bits) added: RFC 1624's
 * HC' = ~(~HC + m' + ~m), the m's already summed in `diff`.
 * @inline
 */
export function addToCheck(check: be16, diff: u64): be16 {
  return htons(~u16(foldSum(u64(~ntohs(check)) + diff)));
}

/**
 * A difference as the kernel's checksum helpers take it in their size-0 form: a sum in the byte
 * order they read from memory.
 * @inline
 */
export function forHelpers(diff: u64): u64 {
  return u64(bswap16(u16(diff)));
}
