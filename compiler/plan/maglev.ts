// Maglev lookup tables (Eisenbud et al., NSDI 2016, section 3.4): each backend walks its own
// permutation of the table (offset + j·skip mod M, M prime so every skip visits every slot) and
// the backends take turns claiming their next free preferred slot until the table is full.
// Every backend ends up with ⌊M/N⌋ or ⌈M/N⌉ slots, and removing one moves about 1/N of them.

/** Deterministic 32-bit string hash: FNV-1a, then a murmur3-style finaliser for avalanche. */
export function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

const OFFSET_SEED = 0x5eed0001;
const SKIP_SEED = 0x5eed0002;

/**
 * Fills a table of `size` slots (prime) with indexes into `identities`, which name the backends
 * by something that outlives their IDs (`addr:port/PROTO`). The caller passes identities in a
 * stable order (sorted): the turn order breaks ties, so it must not depend on spec order.
 */
export function maglevPopulate(identities: readonly string[], size: number): Uint32Array {
  if (!isPrime(size)) throw new Error(`maglev table size ${size}: must be prime`);
  const n = identities.length;
  const table = new Uint32Array(size);
  if (n === 0) return table;
  const filled = new Uint8Array(size);
  const pos = new Float64Array(n);
  const skip = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pos[i] = hash32(identities[i]!, OFFSET_SEED) % size;
    skip[i] = (hash32(identities[i]!, SKIP_SEED) % (size - 1)) + 1;
  }
  let count = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = pos[i]!;
      while (filled[c]) {
        c += skip[i]!;
        if (c >= size) c -= size;
      }
      filled[c] = 1;
      table[c] = i;
      c += skip[i]!;
      pos[i] = c >= size ? c - size : c;
      if (++count === size) return table;
    }
  }
}

/** A table of backend IDs, from backends given as (identity, id) pairs. */
export function maglevTable(backends: readonly { key: string; id: number }[], size: number): Uint32Array {
  const sorted = [...backends].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const idx = maglevPopulate(sorted.map((b) => b.key), size);
  const out = new Uint32Array(size);
  for (let s = 0; s < size; s++) out[s] = sorted[idx[s]!]!.id;
  return out;
}
