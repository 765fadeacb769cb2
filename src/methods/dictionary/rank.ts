// Per-latent statistics and the toolkit's finetune-specificity rankings.
//   crosscoder: decoder norms per side; dec_norm_diff = ((‖d_base‖ − ‖d_ft‖) / max(‖d_base‖, ‖d_ft‖) + 1) / 2
//     (0 = the latent writes only to the finetuned side, 0.5 = shared, 1 = base only; tag ft_only < 0.1), and
//     latent scaling: β_target = d_ft · Σ_n Y_n f_n / (Σ_n f_n² · ‖d_ft‖²), the best multiple of the latent's
//     finetuned decoder for target Y, with Y the base/finetuned error or reconstruction *without the latent*
//     (x − x̂ + f·d, x̂ − f·d, normalised space); ν_ε = β_base_error / β_ft_error, ν_r likewise. A latent the
//     base model also explains (shared in disguise) has ν near 1, a finetune-only one near 0.
//   SAE on differences: β of the latent's decoder direction in the base and in the finetuned activations
//     (each centred on the base mean), and the ratio β_base / β_ft (the toolkit's beta_activation_ratio):
//     near 0 = a direction present in the finetuned activations only.
// Latents that never fire on the rows are not ranked (their decoders were never trained on this data).
import type { Encoded } from './encode.ts';
import type { DictionaryWeights } from './types.ts';
import { norm } from '../../vector.ts';

export interface LatentStats {
  latent: number;
  /** Fraction of rows where the latent is active. */
  frequency: number;
  meanActivation: number;
  maxActivation: number;
  /** Crosscoder only. */
  decBaseNorm?: number;
  decFtNorm?: number;
  decNormDiff?: number;
  decCosSim?: number;
  tag?: 'ft_only' | 'base_only' | 'shared' | 'other';
  /** Latent scaling ratios (crosscoder: ν_ε, ν_r; SAE: β_base / β_ft). */
  betaRatioError?: number;
  betaRatioReconstruction?: number;
  betaBase?: number;
  betaFt?: number;
  betaRatioActivation?: number;
}

function activationStats(e: Encoded, N: number, F: number): LatentStats[] {
  const stats = Array.from({ length: F }, (_, latent) => ({
    latent,
    frequency: 0,
    meanActivation: 0,
    maxActivation: 0,
  }));
  for (let i = 0; i < N; i++)
    for (let f = 0; f < F; f++) {
      const a = e.f[i * F + f];
      if (a > 0) {
        const s = stats[f];
        s.frequency++;
        s.meanActivation += a;
        if (a > s.maxActivation) s.maxActivation = a;
      }
    }
  for (const s of stats) {
    if (s.frequency > 0) s.meanActivation /= s.frequency;
    s.frequency /= N;
  }
  return stats;
}

/** Decoder row of latent f on one side [H]. */
export function decoderRow(w: DictionaryWeights, f: number, side = w.sides - 1): Float32Array {
  const D = w.sides * w.H;
  return w.decW.slice(f * D + side * w.H, f * D + (side + 1) * w.H);
}

/** β of each latent's direction d for per-latent targets Y_n(f) [H]: d·Σ Y f / (Σ f² ‖d‖²). */
function beta(
  e: Encoded,
  N: number,
  F: number,
  latent: number,
  d: Float32Array,
  target: (n: number, out: Float64Array) => void,
): number {
  const H = d.length;
  const y = new Float64Array(H);
  let num = 0,
    f2 = 0;
  for (let n = 0; n < N; n++) {
    const a = e.f[n * F + latent];
    if (!(a > 0)) continue;
    target(n, y);
    let dy = 0;
    for (let h = 0; h < H; h++) dy += d[h] * y[h];
    num += a * dy;
    f2 += a * a;
  }
  const dd = norm(d) ** 2;
  return f2 > 0 && dd > 0 ? num / (f2 * dd) : Number.NaN;
}

/** Crosscoder statistics, ranked (latent indices, most finetune-specific first). `scaled` latents get latent scaling. */
export function rankCrosscoder(
  w: DictionaryWeights,
  e: Encoded,
  N: number,
  scaled: number,
): { stats: LatentStats[]; ranking: number[] } {
  const { F, H } = w;
  const D = 2 * H;
  const stats: LatentStats[] = activationStats(e, N, F);
  for (const s of stats) {
    const b = decoderRow(w, s.latent, 0),
      f = decoderRow(w, s.latent, 1);
    const nb = norm(b),
      nf = norm(f);
    let dot = 0;
    for (let h = 0; h < H; h++) dot += b[h] * f[h];
    s.decBaseNorm = nb;
    s.decFtNorm = nf;
    s.decNormDiff = Math.max(nb, nf) > 0 ? ((nb - nf) / Math.max(nb, nf) + 1) / 2 : 0.5;
    s.decCosSim = nb > 0 && nf > 0 ? dot / (nb * nf) : 0;
    s.tag =
      s.decNormDiff < 0.1
        ? 'ft_only'
        : s.decNormDiff > 0.9
          ? 'base_only'
          : Math.abs(s.decNormDiff - 0.5) < 0.1
            ? 'shared'
            : 'other';
  }
  const firing = stats.filter((s) => s.frequency > 0).sort((a, b) => a.decNormDiff! - b.decNormDiff!);
  for (const s of firing.slice(0, scaled)) {
    const j = s.latent;
    const dBase = decoderRow(w, j, 0),
      dFt = decoderRow(w, j, 1);
    // side 0 = base, 1 = finetuned; error and reconstruction without latent j
    const target = (side: number, kind: 'error' | 'reconstruction') => (n: number, out: Float64Array) => {
      const a = e.f[n * F + j];
      const dj = side === 0 ? dBase : dFt;
      for (let h = 0; h < H; h++) {
        const x = e.x[n * D + side * H + h],
          xh = e.xhat[n * D + side * H + h];
        out[h] = kind === 'error' ? x - xh + a * dj[h] : xh - a * dj[h];
      }
    };
    const bBaseErr = beta(e, N, F, j, dFt, target(0, 'error')),
      bFtErr = beta(e, N, F, j, dFt, target(1, 'error'));
    const bBaseRec = beta(e, N, F, j, dFt, target(0, 'reconstruction')),
      bFtRec = beta(e, N, F, j, dFt, target(1, 'reconstruction'));
    s.betaRatioError = bBaseErr / bFtErr;
    s.betaRatioReconstruction = bBaseRec / bFtRec;
  }
  // ft_only latents first, those whose direction the base model's error explains least (|ν_ε|) first among
  // them; ν_r is reported only (for a finetune-only latent both its β are near 0, so their ratio is noise)
  const nu = (s: LatentStats) => Math.abs(s.betaRatioError ?? Number.POSITIVE_INFINITY);
  const ftOnly = firing
    .filter((s) => s.tag === 'ft_only')
    .sort((a, b) => nu(a) - nu(b) || a.decNormDiff! - b.decNormDiff!);
  const rest = firing.filter((s) => s.tag !== 'ft_only');
  return { stats, ranking: [...ftOnly, ...rest].map((s) => s.latent) };
}

/**
 * SAE-on-differences statistics, ranked by |β_base / β_ft| ascending among latents with β_ft > 0 that fire on
 * at least `minRows` rows. `base`, `ft`: the raw activations [N, H] the difference rows came from.
 */
export function rankSaeDiff(
  w: DictionaryWeights,
  e: Encoded,
  N: number,
  base: Float32Array,
  ft: Float32Array,
  minRows: number,
): { stats: LatentStats[]; ranking: number[] } {
  const { F, H } = w;
  const stats = activationStats(e, N, F);
  const mean = new Float64Array(H);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) mean[h] += base[n * H + h] / N;
  const centred = (rows: Float32Array) => (n: number, out: Float64Array) => {
    for (let h = 0; h < H; h++) out[h] = rows[n * H + h] - mean[h];
  };
  for (const s of stats) {
    if (s.frequency * N < minRows) continue;
    const d = decoderRow(w, s.latent, 0);
    s.betaBase = beta(e, N, F, s.latent, d, centred(base));
    s.betaFt = beta(e, N, F, s.latent, d, centred(ft));
    s.betaRatioActivation = s.betaBase / s.betaFt;
  }
  const ranked = stats
    .filter((s) => s.betaFt !== undefined && s.betaFt > 0 && Number.isFinite(s.betaRatioActivation))
    .sort((a, b) => Math.abs(a.betaRatioActivation!) - Math.abs(b.betaRatioActivation!));
  return { stats, ranking: ranked.map((s) => s.latent) };
}
