// The training library's activation normaliser (keep_relative_variance): per side, subtract the mean and
// scale by target_rms / sqrt(Σ_h var_h), so every side's rows have RMS norm target_rms around the mean.
import type { Normalizer } from './types.ts';

/** Mean and per-side scale of rows [N, S·H] (float64 accumulation). */
export function fitNormalizer(rows: Float32Array, N: number, S: number, H: number, targetRms: number): Normalizer {
  const D = S * H;
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) mean[d] += rows[i * D + d];
  for (let d = 0; d < D; d++) mean[d] /= N;
  const variance = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) variance[d] += (rows[i * D + d] - mean[d]) ** 2 / N;
  const std = Float32Array.from(variance, Math.sqrt);
  return { mean: Float32Array.from(mean), std, scale: sideScales(std, S, H, targetRms), targetRms };
}

/** target_rms / sqrt(Σ_h std² + 1e-8) per side. */
export function sideScales(std: Float32Array, S: number, H: number, targetRms: number): Float32Array {
  const scale = new Float32Array(S);
  for (let s = 0; s < S; s++) {
    let v = 0;
    for (let h = 0; h < H; h++) v += std[s * H + h] ** 2;
    scale[s] = targetRms / Math.sqrt(v + 1e-8);
  }
  return scale;
}

/** Normalised copy of rows [N, S·H]. */
export function normalizeRows(rows: Float32Array, H: number, n: Normalizer | null): Float32Array {
  if (!n) return Float32Array.from(rows);
  const D = n.mean.length;
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const d = i % D;
    out[i] = (rows[i] - n.mean[d]) * n.scale[Math.floor(d / H)];
  }
  return out;
}
