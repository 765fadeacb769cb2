// A BatchTopK dictionary over one or more "sides" of the residual stream: a crosscoder (2 sides: base and
// finetuned activations, one shared latent code) or an SAE (1 side: here the finetuned − base difference).
// Both are stored in one layout so one training graph and one encoder serve both:
//   encW [S·H, F]  (the crosscoder's encoder.weight [S, H, F] read flat; the SAE's encoder.weight transposed)
//   decW [F, S·H]  (the crosscoder's decoder.weight [S, F, H] with the latent axis first; the SAE's transposed)
//   decB [S·H]     (the crosscoder's decoder.bias [S, H]; the SAE's b_dec)
// Activations are normalised before encoding as the training library does: x ← (x − mean) · scale[side].

export type DictionaryKind = 'crosscoder' | 'sae-diff';

export interface Normalizer {
  /** [S·H] mean of the training activations per side. */
  mean: Float32Array;
  /** [S·H] standard deviation per dimension (stored as the library's activation_std). */
  std: Float32Array;
  /** [S] target_rms / sqrt(Σ_h std²), one factor per side (the library's keep_relative_variance scaling). */
  scale: Float32Array;
  targetRms: number;
}

export interface DictionaryWeights {
  kind: DictionaryKind;
  /** Sides of the input (2 for a crosscoder: base then finetuned; 1 for an SAE). */
  sides: number;
  /** Activation size per side (the model's hidden size). */
  H: number;
  /** Latents. */
  F: number;
  /** BatchTopK's k: active latents per row on average during training. */
  k: number;
  encW: Float32Array;
  encB: Float32Array;
  decW: Float32Array;
  decB: Float32Array;
  /** Inference threshold on the (code-normalised) activation; −1 = not set (BatchTopK over the batch instead). */
  threshold: number;
  normalizer: Normalizer | null;
}

/** What a dictionary was trained on and how: written next to it and part of its cache key. */
export interface DictionaryMeta {
  /** The model's layer (resid_post.<layer>) the dictionary reads. */
  layer: number;
  /** Free-form provenance (training tokens, data hash, steps, loss), stored in the config. */
  training?: Record<string, unknown>;
}

/** The SAE subtracts b_dec from its input before encoding; the crosscoder does not. */
export const preBias = (kind: DictionaryKind): boolean => kind === 'sae-diff';
/** The crosscoder ranks activations for top-k by activation × Σ_side ‖decoder row‖ (the library's CROSSCODER code normalisation). */
export const codeNormalised = (kind: DictionaryKind): boolean => kind === 'crosscoder';

export function sidesOf(kind: DictionaryKind): number {
  return kind === 'crosscoder' ? 2 : 1;
}
