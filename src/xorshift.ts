// A seeded 32-bit xorshift generator: deterministic values where Math.random would make results vary.

/** Uniform values in [0, 1) from the 32-bit xorshift (13, 17, 5) seeded with `seed` (0 counts as 1). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
