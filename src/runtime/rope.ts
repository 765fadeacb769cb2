// Rotary position embeddings: inverse frequencies per rope_type, as transformers computes them.

export interface RopeSpec {
  /** [rotaryDim/2] inverse frequencies. */
  invFreq: Float64Array;
  /** Multiplies cos and sin (yarn's attention factor; 1 otherwise). */
  attentionFactor: number;
  rotaryDim: number;
}

export interface RopeParams {
  rope_type?: string;
  type?: string;
  rope_theta?: number;
  factor?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  original_max_position_embeddings?: number;
  partial_rotary_factor?: number;
  beta_fast?: number;
  beta_slow?: number;
  attention_factor?: number;
  mscale?: number;
  mscale_all_dim?: number;
}

const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'llama3', 'yarn'];

export function ropeSpec(p: RopeParams, headDim: number, maxPositions: number, where: string): RopeSpec {
  const type = p.rope_type ?? p.type ?? 'default';
  const theta = p.rope_theta ?? 10000;
  const rotaryDim = Math.floor(headDim * (p.partial_rotary_factor ?? 1));
  const half = rotaryDim / 2;
  const base = new Float64Array(half);
  for (let i = 0; i < half; i++) base[i] = 1 / theta ** ((2 * i) / rotaryDim);
  switch (type) {
    case 'default':
      return { invFreq: base, attentionFactor: 1, rotaryDim };
    case 'linear':
      return { invFreq: base.map((f) => f / (p.factor ?? 1)), attentionFactor: 1, rotaryDim };
    case 'llama3': {
      const factor = p.factor ?? 8,
        lo = p.low_freq_factor ?? 1,
        hi = p.high_freq_factor ?? 4;
      const oldCtx = p.original_max_position_embeddings ?? 8192;
      const loWave = oldCtx / lo,
        hiWave = oldCtx / hi;
      const inv = base.map((f) => {
        const wave = (2 * Math.PI) / f;
        if (wave < hiWave) return f;
        if (wave > loWave) return f / factor;
        const smooth = (oldCtx / wave - lo) / (hi - lo);
        return (1 - smooth) * (f / factor) + smooth * f;
      });
      return { invFreq: inv, attentionFactor: 1, rotaryDim };
    }
    case 'yarn': {
      // transformers' _compute_yarn_parameters (no truncation variant)
      const factor = p.factor ?? 1;
      const orig = p.original_max_position_embeddings ?? maxPositions;
      const betaFast = p.beta_fast ?? 32,
        betaSlow = p.beta_slow ?? 1;
      const mscale = (s: number, m = 1) => (s <= 1 ? 1 : 0.1 * m * Math.log(s) + 1);
      const attentionFactor =
        p.attention_factor ??
        (p.mscale && p.mscale_all_dim ? mscale(factor, p.mscale) / mscale(factor, p.mscale_all_dim) : mscale(factor));
      const corrDim = (rot: number) => (rotaryDim * Math.log(orig / (rot * 2 * Math.PI))) / (2 * Math.log(theta));
      const low = Math.max(Math.floor(corrDim(betaFast)), 0);
      const high = Math.min(Math.ceil(corrDim(betaSlow)), rotaryDim - 1);
      const inv = new Float64Array(half);
      for (let i = 0; i < half; i++) {
        const ramp = Math.min(1, Math.max(0, (i - low) / (high === low ? high + 0.001 - low : high - low)));
        const extrapolationFactor = 1 - ramp;
        inv[i] = (base[i] / factor) * (1 - extrapolationFactor) + base[i] * extrapolationFactor;
      }
      return { invFreq: inv, attentionFactor, rotaryDim };
    }
    default:
      throw new Error(`${where}: rope type '${type}' is not supported (supported: ${SUPPORTED_ROPE_TYPES.join(', ')})`);
  }
}
