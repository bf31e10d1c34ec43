// The simulated node's one linear memory, shared by every program instance of the node, with a
// bump allocator for map values and global data above ARENA_BASE (layout.ts). Views are
// refreshed whenever the memory grows, since growing detaches the old ArrayBuffer.

import { ARENA_BASE, PAGE } from './layout.ts';

export class SimMemory {
  readonly memory: WebAssembly.Memory;
  u8: Uint8Array;
  dv: DataView;
  /** The same bytes as a Buffer: its copy() needs no intermediate view. */
  private buf: Buffer;
  private top = ARENA_BASE;

  constructor(initialBytes = 2 * ARENA_BASE) {
    // Fields get their final kind of value here, once (not undefined first): property access
    // on this object is on every helper's path.
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE) });
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
    this.buf = Buffer.from(this.memory.buffer);
  }

  private refresh(): void {
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
    this.buf = Buffer.from(this.memory.buffer);
  }

  /** `size` zeroed bytes, aligned to 8, that stay where they are for the memory's life. */
  alloc(size: number): number {
    const at = this.top;
    this.top = (at + size + 7) & ~7;
    if (this.top > this.u8.length) {
      this.memory.grow(Math.ceil((this.top - this.u8.length) / PAGE) + 16);
      this.refresh();
    }
    return at;
  }

  /** Bytes in use above ARENA_BASE. */
  get arenaBytes(): number {
    return this.top - ARENA_BASE;
  }

  /**
   * A copy of `size` bytes at `at`. A Buffer from Node's pool: allocating a typed array costs
   * more than running a packet through a program, and every run copies its packet out.
   */
  bytes(at: number, size: number): Uint8Array {
    const out = Buffer.allocUnsafe(size);
    if (size > 256) this.buf.copy(out, 0, at, at + size);
    else for (let i = 0; i < size; i++) out[i] = this.u8[at + i]!;
    return out;
  }
}
