// Where everything a BPF program can point at lives in the simulator's one linear memory. A BPF
// pointer is a byte offset into that memory, so pointer arithmetic and comparisons the program
// does work unchanged; only their absolute values differ from the kernel's, which no verified
// program can observe in its return code, packet or maps.
//
//   0x00000  guard page (a null pointer reads zeros; verified programs never dereference it)
//   0x01000  stacks: MAX_FRAMES frames of 512 bytes, the entry's frame on top (r10 = STACK_TOP)
//   0x02000  the context struct (xdp_md, __sk_buff, bpf_sock_addr), CTX_SIZE bytes
//   0x02400  scratch for helpers
//   0x03000  trace: the slot of each basic block entered, 4 bytes each, TRACE_CAP entries
//   0x20000  the packet: PACKET_HEADROOM bytes of headroom, then the frame, then tailroom
//   0x40000  the arena: map values and global data, allocated as maps fill; grows the memory

export const PAGE = 0x10000;
export const STACK_FRAME = 512;
/** The kernel's MAX_CALL_FRAMES: the entry plus seven nested BPF-to-BPF calls. */
export const MAX_FRAMES = 8;
export const STACK_BASE = 0x1000;
export const STACK_TOP = STACK_BASE + MAX_FRAMES * STACK_FRAME;
export const CTX_BASE = 0x2000;
export const CTX_SIZE = 0x400;
export const SCRATCH_BASE = 0x2400;
export const TRACE_BASE = 0x3000;
export const TRACE_CAP = (0x20000 - TRACE_BASE) / 4;
export const PACKET_REGION = 0x20000;
/** XDP_PACKET_HEADROOM: what bpf_xdp_adjust_head may grow into, and the skb's headroom here too. */
export const PACKET_HEADROOM = 256;
export const PACKET_BASE = PACKET_REGION + PACKET_HEADROOM;
export const PACKET_END = 0x40000;
/** The largest frame the simulator takes (room for tailroom growth stays below PACKET_END). */
export const PACKET_MAX = PACKET_END - PACKET_BASE - 4096;
export const ARENA_BASE = 0x40000;

/**
 * The value a map reference (ld_imm64 with BPF_PSEUDO_MAP_FD) loads: a handle, not an address,
 * above any memory address so that no map pointer aliases data. Helpers take it back with mapIndex.
 */
export const MAP_HANDLE_BASE = 0x1_0000_0000;
export const mapHandle = (index: number): number => MAP_HANDLE_BASE + index * 0x100;
export const mapIndexOf = (handle: number): number => (handle - MAP_HANDLE_BASE) / 0x100;
