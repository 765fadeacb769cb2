// Initial weights, as dictionary_learning initialises them (seeded, so a training run is reproducible):
//   crosscoder: one uniform [H, F] encoder shared by both sides, each (side, latent) column scaled to norm 1,
//               decoder = its transpose, biases 0 (same_init_for_all_layers, norm_init_scale 1, init_with_transpose);
//   SAE:        uniform decoder with unit-norm latent directions, encoder = decoderᵀ, biases 0.
// The decoder bias is set from the first batch (geometric median) by the trainer.
import seedrandom from 'seedrandom';
import { sidesOf, type DictionaryKind, type DictionaryWeights } from './types.ts';

export function initialWeights(kind: DictionaryKind, H: number, F: number, k: number, seed: string): DictionaryWeights {
  const S = sidesOf(kind);
  const D = S * H;
  const rng = seedrandom(`dictionary-init/${seed}`);
  const base = Float32Array.from({ length: H * F }, () => 2 * rng() - 1); // [H, F]
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (let h = 0; h < H; h++) n += base[h * F + f] ** 2;
    n = Math.sqrt(n) || 1;
    for (let h = 0; h < H; h++) base[h * F + f] /= n;
  }
  const encW = new Float32Array(D * F);
  for (let s = 0; s < S; s++) encW.set(base, s * H * F);
  const decW = new Float32Array(F * D);
  for (let d = 0; d < D; d++) for (let f = 0; f < F; f++) decW[f * D + d] = encW[d * F + f];
  return {
    kind,
    sides: S,
    H,
    F,
    k,
    encW,
    encB: new Float32Array(F),
    decW,
    decB: new Float32Array(D),
    threshold: -1,
    normalizer: null,
  };
}

/** Weiszfeld's geometric median of rows [N, S·H], per side (the library's decoder-bias initialisation). */
export function geometricMedian(rows: Float32Array, N: number, S: number, H: number, maxIter = 100, tol = 1e-5) {
  const D = S * H;
  const out = new Float32Array(D);
  for (let s = 0; s < S; s++) {
    const guess = new Float64Array(H);
    for (let i = 0; i < N; i++) for (let h = 0; h < H; h++) guess[h] += rows[i * D + s * H + h] / N;
    for (let it = 0; it < maxIter; it++) {
      const next = new Float64Array(H);
      let wsum = 0;
      for (let i = 0; i < N; i++) {
        let d2 = 0;
        for (let h = 0; h < H; h++) d2 += (rows[i * D + s * H + h] - guess[h]) ** 2;
        const w = 1 / Math.max(Math.sqrt(d2), 1e-12);
        wsum += w;
        for (let h = 0; h < H; h++) next[h] += w * rows[i * D + s * H + h];
      }
      let moved = 0;
      for (let h = 0; h < H; h++) {
        next[h] /= wsum;
        moved += (next[h] - guess[h]) ** 2;
        guess[h] = next[h];
      }
      if (Math.sqrt(moved) < tol) break;
    }
    for (let h = 0; h < H; h++) out[s * H + h] = guess[h];
  }
  return out;
}
