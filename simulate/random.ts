// The seeded generator behind bpf_get_prandom_u32: xorshift32 from a seed, so that a simulation
// with the same seed picks the same backends and SNAT ports every time.

export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
