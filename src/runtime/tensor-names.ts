// Where each logical weight of the runtime lives in a Hugging Face checkpoint, per naming scheme
// (families.ts: 'hf', 'phi3' packed projections, 'gpt2' Conv1D). Used by the weight conversion and
// by the shape checks, so both read the same table.
import type { ModelSpec } from './config.ts';

/** A decoder linear in the checkpoint: its module, the output rows it takes (packed modules), Conv1D layout. */
export interface LinearSource {
  module: string;
  rows?: [number, number];
  conv1d?: boolean;
}

/** [in, out] of each logical linear kind. */
export function linearDims(spec: ModelSpec): Record<string, [number, number]> {
  const qd = spec.heads * spec.headDim,
    kd = spec.kvHeads * spec.headDim,
    H = spec.hidden,
    I = spec.intermediate;
  return {
    q: [H, qd],
    k: [H, kd],
    v: [H, kd],
    o: [qd, H],
    gate: [H, I],
    up: [H, I],
    down: [I, H],
    fc: [H, I],
    proj: [I, H],
  };
}

/** Where logical linear `kind` of layer i lives in the checkpoint. */
export function linearSource(spec: ModelSpec, i: number, kind: string): LinearSource {
  const qd = spec.heads * spec.headDim,
    kd = spec.kvHeads * spec.headDim,
    I = spec.intermediate;
  const attn = `model.layers.${i}.self_attn`,
    mlp = `model.layers.${i}.mlp`;
  switch (spec.family.naming) {
    case 'hf':
      return { module: ['gate', 'up', 'down'].includes(kind) ? `${mlp}.${kind}_proj` : `${attn}.${kind}_proj` };
    case 'phi3': {
      const qkv: Record<string, [number, number]> = { q: [0, qd], k: [qd, qd + kd], v: [qd + kd, qd + 2 * kd] };
      if (kind in qkv) return { module: `${attn}.qkv_proj`, rows: qkv[kind] };
      if (kind === 'gate') return { module: `${mlp}.gate_up_proj`, rows: [0, I] };
      if (kind === 'up') return { module: `${mlp}.gate_up_proj`, rows: [I, 2 * I] };
      return { module: kind === 'o' ? `${attn}.o_proj` : `${mlp}.down_proj` };
    }
    case 'gpt2': {
      const h = `transformer.h.${i}`,
        H = spec.hidden;
      const qkv: Record<string, [number, number]> = { q: [0, H], k: [H, 2 * H], v: [2 * H, 3 * H] };
      if (kind in qkv) return { module: `${h}.attn.c_attn`, rows: qkv[kind], conv1d: true };
      const m: Record<string, string> = { o: `${h}.attn.c_proj`, fc: `${h}.mlp.c_fc`, proj: `${h}.mlp.c_proj` };
      return { module: m[kind], conv1d: true };
    }
  }
}

/** Norm weights (and LayerNorm biases) of layer i by logical role. */
export function normSources(spec: ModelSpec, i: number): Record<string, string> {
  if (spec.family.naming === 'gpt2')
    return { attn_norm: `transformer.h.${i}.ln_1`, mlp_norm: `transformer.h.${i}.ln_2` };
  const l = `model.layers.${i}`;
  switch (spec.family.layout) {
    case 'pre':
      return { attn_norm: `${l}.input_layernorm`, mlp_norm: `${l}.post_attention_layernorm` };
    case 'sandwich':
      return {
        attn_norm: `${l}.input_layernorm`,
        attn_post_norm: `${l}.post_attention_layernorm`,
        mlp_norm: `${l}.pre_feedforward_layernorm`,
        mlp_post_norm: `${l}.post_feedforward_layernorm`,
      };
    case 'post':
      return { attn_post_norm: `${l}.post_attention_layernorm`, mlp_post_norm: `${l}.post_feedforward_layernorm` };
  }
}

/** Linear kinds of one decoder layer. */
export function linearKinds(spec: ModelSpec): string[] {
  return spec.family.mlp === 'gated' ? ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] : ['q', 'k', 'v', 'o', 'fc', 'proj'];
}

/** Does logical linear `kind` carry a bias? */
export function hasBias(spec: ModelSpec, kind: string): boolean {
  return ['q', 'k', 'v'].includes(kind) ? spec.qkvBias : kind === 'o' ? spec.outBias : spec.mlpBias;
}

export const embeddingName = (spec: ModelSpec) =>
  spec.family.naming === 'gpt2' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
export const finalNormSource = (spec: ModelSpec) => (spec.family.naming === 'gpt2' ? 'transformer.ln_f' : 'model.norm');
export const qkNormSource = (i: number, which: 'q' | 'k') => `model.layers.${i}.self_attn.${which}_norm`;
