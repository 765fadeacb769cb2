// Normalises a Hugging Face config.json (transformers 4 or 5 spellings) into one ModelSpec.
import { InputError } from '../errors.ts';
import { FAMILIES, SUPPORTED_MODEL_TYPES, type Family } from './families.ts';
import { ropeSpec, type RopeParams, type RopeSpec } from './rope.ts';

export type LayerType = 'full' | 'sliding';
export type Activation = 'silu' | 'gelu_tanh' | 'gelu' | 'relu';

export interface ModelSpec {
  modelType: string;
  family: Family;
  numLayers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  normEps: number;
  activation: Activation;
  qkvBias: boolean;
  outBias: boolean;
  mlpBias: boolean;
  embedScale: number;
  /** Multiplies q·k (1/sqrt(head_dim), or query_pre_attn_scalar^-0.5). */
  queryScale: number;
  attnSoftcap: number | null;
  finalSoftcap: number | null;
  layerTypes: LayerType[];
  slidingWindow: number | null;
  /** Rope per layer type (null for learned positions). */
  rope: Record<LayerType, RopeSpec> | null;
  maxPositions: number;
  tiedEmbeddings: boolean;
  eosTokenIds: number[];
  padTokenId: number | null;
}

/** A checkpoint or config that cannot be used: an input error (exit 2). */
export class ConfigError extends InputError {}

const ACTIVATIONS: Record<string, Activation> = {
  silu: 'silu',
  swish: 'silu',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu_new: 'gelu_tanh',
  gelu_fast: 'gelu_tanh',
  gelu: 'gelu',
  relu: 'relu',
};

/** The norm epsilon: a positive finite number (a negative one makes the norm divide by ~0 or NaN). */
function normEps(cfg: Record<string, unknown>, where: string): number {
  const field = ['rms_norm_eps', 'layer_norm_epsilon', 'layer_norm_eps'].find((k) => cfg[k] != null);
  if (!field) return 1e-6;
  const v = cfg[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ConfigError(`${where}: ${field} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

const ids = (v: unknown): number[] => (v == null ? [] : Array.isArray(v) ? v.map(Number) : [Number(v)]);

export function parseConfig(cfg: Record<string, any>, where: string, generation: Record<string, any> = {}): ModelSpec {
  const modelType = cfg.model_type as string;
  const family = FAMILIES[modelType];
  if (!family)
    throw new ConfigError(
      `${where}: model_type '${modelType}' is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
    );
  const need = (...keys: string[]): number => {
    for (const k of keys) if (typeof cfg[k] === 'number') return cfg[k];
    throw new ConfigError(`${where}: missing numeric field '${keys[0]}'`);
  };
  /** A size field: present (under one of its spellings) and a positive integer. */
  const size = (...keys: string[]): number => {
    const key = keys.find((k) => cfg[k] !== undefined) ?? keys[0];
    const v = need(key);
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`${where}: ${key} must be a positive integer, got ${v}`);
    return v;
  };
  const optionalSize = (key: string): number | undefined => (cfg[key] == null ? undefined : size(key));
  const gpt2 = modelType === 'gpt2';
  const hidden = size('hidden_size', 'n_embd');
  const heads = size('num_attention_heads', 'n_head');
  const numLayers = size('num_hidden_layers', 'n_layer');
  const kvHeads = optionalSize('num_key_value_heads') ?? heads;
  if (heads % kvHeads !== 0)
    throw new ConfigError(
      `${where}: num_attention_heads (${heads}) must be a multiple of num_key_value_heads (${kvHeads})`,
    );
  const headDim = optionalSize('head_dim') ?? hidden / heads;
  if (!Number.isInteger(headDim))
    throw new ConfigError(
      `${where}: hidden_size (${hidden}) is not a multiple of num_attention_heads (${heads}) and head_dim is not given`,
    );
  const intermediate = optionalSize('intermediate_size') ?? optionalSize('n_inner') ?? 4 * hidden;
  const vocab = size('vocab_size');
  const actName = (cfg.hidden_activation ?? cfg.hidden_act ?? cfg.activation_function ?? 'silu') as string;
  const activation = ACTIVATIONS[actName];
  if (!activation)
    throw new ConfigError(
      `${where}: activation '${actName}' is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  const maxPositions = cfg.max_position_embeddings ?? cfg.n_positions ?? 4096;

  const layerTypes: LayerType[] = Array.isArray(cfg.layer_types)
    ? cfg.layer_types.map((t: string) => (t === 'sliding_attention' ? 'sliding' : 'full'))
    : Array.from({ length: numLayers }, (_, i) => (family.slidingLayers(cfg, i) ? 'sliding' : 'full'));
  if (layerTypes.length !== numLayers)
    throw new ConfigError(`${where}: layer_types has ${layerTypes.length} entries for ${numLayers} layers`);
  const slidingWindow = layerTypes.includes('sliding') ? need('sliding_window') : null;

  let rope: ModelSpec['rope'] = null;
  if (family.positions === 'rope') {
    const rp = ropeParams(cfg);
    rope = {
      full: ropeSpec(rp.full, headDim, maxPositions, where),
      sliding: ropeSpec(rp.sliding, headDim, maxPositions, where),
    };
  }
  const eos = ids(generation.eos_token_id).length ? ids(generation.eos_token_id) : ids(cfg.eos_token_id);
  return {
    modelType,
    family,
    numLayers,
    hidden,
    heads,
    kvHeads,
    headDim,
    intermediate,
    vocab,
    normEps: normEps(cfg, where),
    activation,
    qkvBias: gpt2 || (cfg.attention_bias ?? family.qkvBiasDefault),
    outBias: gpt2 || Boolean(cfg.attention_bias),
    mlpBias: gpt2 || Boolean(cfg.mlp_bias),
    embedScale: family.embedScale ? Math.sqrt(hidden) : 1,
    queryScale: (cfg.query_pre_attn_scalar ?? headDim) ** -0.5,
    attnSoftcap: cfg.attn_logit_softcapping ?? null,
    finalSoftcap: cfg.final_logit_softcapping ?? null,
    layerTypes,
    slidingWindow,
    rope,
    maxPositions,
    tiedEmbeddings: cfg.tie_word_embeddings ?? true,
    eosTokenIds: eos,
    padTokenId: cfg.pad_token_id ?? generation.pad_token_id ?? null,
  };
}

/** Rope parameters per layer type, from either config spelling. */
function ropeParams(cfg: Record<string, any>): Record<LayerType, RopeParams> {
  const rp = cfg.rope_parameters;
  const partial = cfg.partial_rotary_factor;
  if (rp && typeof rp === 'object') {
    // transformers 5: either one dict, or one per layer type (gemma3)
    if (rp.full_attention || rp.sliding_attention) {
      const full = { partial_rotary_factor: partial, ...(rp.full_attention ?? rp.sliding_attention) };
      return { full, sliding: { partial_rotary_factor: partial, ...(rp.sliding_attention ?? full) } };
    }
    const one = { partial_rotary_factor: partial, ...rp };
    return { full: one, sliding: one };
  }
  // transformers 4: rope_theta + rope_scaling; gemma3 keeps a separate rope_local_base_freq for sliding layers
  const full: RopeParams = {
    rope_theta: cfg.rope_theta ?? 10000,
    partial_rotary_factor: partial,
    ...(cfg.rope_scaling ?? {}),
  };
  if (full.rope_type === undefined && full.type) full.rope_type = full.type;
  const sliding: RopeParams =
    cfg.rope_local_base_freq != null
      ? { rope_type: 'default', rope_theta: cfg.rope_local_base_freq, partial_rotary_factor: partial }
      : full;
  return { full, sliding };
}
