// A random-weight Qwen3 checkpoint with the layer shapes of a real model, written on the fly so the
// benchmark can measure large shapes without downloading anything. Loaded through the normal runtime.
import fs from 'node:fs';
import path from 'node:path';
import { xorshift32 } from '../xorshift.ts';

export interface SyntheticShape {
  layers: number;
  hidden: number;
  intermediate: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
}

/** Qwen3-1.7B's layer shapes; a small vocabulary keeps the unembedding a minor cost. */
export const QWEN3_1_7B_LAYERS: SyntheticShape = {
  layers: 2,
  hidden: 2048,
  intermediate: 6144,
  heads: 16,
  kvHeads: 8,
  headDim: 128,
  vocab: 1024,
};

/** Writes a safetensors file of float32 tensors (header padded to 8 bytes). */
export function writeSafetensors(file: string, tensors: Record<string, { dims: number[]; data: Float32Array }>): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, Buffer.from(json, 'utf8'));
    for (const t of Object.values(tensors))
      fs.writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  } finally {
    fs.closeSync(fd);
  }
}

/** Deterministic approximately normal values (sum of uniforms from a 32-bit xorshift), scaled by std. */
function randomNormal(n: number, std: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const next = xorshift32(seed);
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() + next() - 2) * std * Math.sqrt(3);
  return out;
}

/** Creates `dir` with config.json + model.safetensors of a random Qwen3 model of the given shape. */
export function writeSyntheticQwen3(dir: string, shape: SyntheticShape, seed = 1): void {
  const { layers, hidden: H, intermediate: I, heads, kvHeads, headDim: hd, vocab: V } = shape;
  fs.mkdirSync(dir, { recursive: true });
  const config = {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    hidden_size: H,
    intermediate_size: I,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: hd,
    vocab_size: V,
    rms_norm_eps: 1e-6,
    hidden_act: 'silu',
    tie_word_embeddings: true,
    attention_bias: false,
    max_position_embeddings: 4096,
    rope_parameters: { rope_theta: 1000000.0, rope_type: 'default' },
    layer_types: new Array(layers).fill('full_attention'),
    eos_token_id: 0,
    pad_token_id: 0,
    dtype: 'float32',
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
  let k = seed * 1000;
  const rand = (dims: number[], std = 0.02) => ({
    dims,
    data: randomNormal(
      dims.reduce((a, b) => a * b, 1),
      std,
      ++k,
    ),
  });
  const ones = (n: number) => ({ dims: [n], data: new Float32Array(n).fill(1) });
  tensors['model.embed_tokens.weight'] = rand([V, H], 1);
  tensors['model.norm.weight'] = ones(H);
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    tensors[`${p}.input_layernorm.weight`] = ones(H);
    tensors[`${p}.post_attention_layernorm.weight`] = ones(H);
    tensors[`${p}.self_attn.q_norm.weight`] = ones(hd);
    tensors[`${p}.self_attn.k_norm.weight`] = ones(hd);
    tensors[`${p}.self_attn.q_proj.weight`] = rand([heads * hd, H]);
    tensors[`${p}.self_attn.k_proj.weight`] = rand([kvHeads * hd, H]);
    tensors[`${p}.self_attn.v_proj.weight`] = rand([kvHeads * hd, H]);
    tensors[`${p}.self_attn.o_proj.weight`] = rand([H, heads * hd]);
    tensors[`${p}.mlp.gate_proj.weight`] = rand([I, H]);
    tensors[`${p}.mlp.up_proj.weight`] = rand([I, H]);
    tensors[`${p}.mlp.down_proj.weight`] = rand([H, I]);
  }
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
}

/** Matmul FLOPs of one forward pass over `tokens` tokens: every layer's linears plus the unembedding. */
export function matmulFlops(shape: Omit<SyntheticShape, 'layers'> & { layers: number }, tokens: number): number {
  const { hidden: H, intermediate: I, heads, kvHeads, headDim: hd, vocab: V, layers } = shape;
  const perToken = layers * (H * heads * hd * 2 + 2 * H * kvHeads * hd + 3 * H * I) + H * V;
  return 2 * tokens * perToken;
}
