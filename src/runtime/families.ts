// Architecture differences as data: one entry per Hugging Face model_type. The graph builder reads
// these fields; it has no per-family code paths beyond them.

export interface Family {
  /** 'rms' = RMSNorm, 'layer' = LayerNorm with bias. */
  norm: 'rms' | 'layer';
  /** Gemma's RMSNorm multiplies by (1 + weight). */
  normPlusOne: boolean;
  /** 'pre': x + f(norm(x)); 'sandwich': x + postnorm(f(prenorm(x))) (gemma2/3); 'post': x + norm(f(x)) (olmo2). */
  layout: 'pre' | 'sandwich' | 'post';
  /** q/k RMSNorm: per head (qwen3, gemma3) or over the whole projection (olmo2). */
  qkNorm: 'none' | 'head' | 'full';
  /** q/k/v biases when config.attention_bias is absent. */
  qkvBiasDefault: boolean;
  /** 'gated' = down(act(gate(x)) * up(x)); 'plain' = proj(act(fc(x))) (gpt2). */
  mlp: 'gated' | 'plain';
  /** Multiply embeddings by sqrt(hidden_size) (gemma family). */
  embedScale: boolean;
  positions: 'rope' | 'learned';
  /** How tensors are named and packed in the checkpoint. */
  naming: 'hf' | 'phi3' | 'gpt2';
  /**
   * Prefix of the decoder's tensor names in a *ForCausalLM checkpoint. A bare base-model checkpoint (e.g.
   * Qwen3Model, as embedding models ship) stores the same names without it, and no lm_head.
   */
  prefix: string;
  /** Which layers use sliding-window attention when config.layer_types is absent (transformers 4 configs). */
  slidingLayers: (cfg: Record<string, any>, layer: number) => boolean;
}

const none = () => false;
const llamaLike: Family = {
  norm: 'rms',
  normPlusOne: false,
  layout: 'pre',
  qkNorm: 'none',
  qkvBiasDefault: false,
  mlp: 'gated',
  embedScale: false,
  positions: 'rope',
  naming: 'hf',
  prefix: 'model.',
  slidingLayers: none,
};
// qwen2/qwen3 (transformers 4): sliding window only with use_sliding_window, from layer max_window_layers on
const qwenSliding = (cfg: Record<string, any>, i: number) =>
  Boolean(cfg.use_sliding_window && cfg.sliding_window) && i >= (cfg.max_window_layers ?? 0);

export const FAMILIES: Record<string, Family> = {
  llama: llamaLike,
  mistral: { ...llamaLike, slidingLayers: (cfg) => cfg.sliding_window != null },
  qwen2: { ...llamaLike, qkvBiasDefault: true, slidingLayers: qwenSliding },
  qwen3: { ...llamaLike, qkNorm: 'head', slidingLayers: qwenSliding },
  gemma: { ...llamaLike, normPlusOne: true, embedScale: true },
  gemma2: {
    ...llamaLike,
    normPlusOne: true,
    embedScale: true,
    layout: 'sandwich',
    slidingLayers: (_c, i) => i % 2 === 0,
  },
  gemma3_text: {
    ...llamaLike,
    normPlusOne: true,
    embedScale: true,
    layout: 'sandwich',
    qkNorm: 'head',
    slidingLayers: (cfg, i) => (i + 1) % (cfg.sliding_window_pattern ?? cfg._sliding_window_pattern ?? 6) !== 0,
  },
  olmo2: { ...llamaLike, layout: 'post', qkNorm: 'full' },
  phi3: { ...llamaLike, naming: 'phi3', slidingLayers: (cfg) => cfg.sliding_window != null },
  gpt2: {
    ...llamaLike,
    norm: 'layer',
    mlp: 'plain',
    positions: 'learned',
    naming: 'gpt2',
    prefix: 'transformer.',
    qkvBiasDefault: true,
  },
};

export const SUPPORTED_MODEL_TYPES = Object.keys(FAMILIES);
