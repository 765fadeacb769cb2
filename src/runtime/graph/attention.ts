// Causal self-attention with grouped query heads, optional q/k norms, rotary positions, soft-capping
// and a key/value cache. Query heads are grouped as [B, kvHeads, groupSize, T, headDim] so that keys
// and values broadcast over the group instead of being repeated.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';
import { shapeBT } from './context.ts';
import { linear } from './linear.ts';
import { rmsNorm } from './norm.ts';
import { applyRotary, type RotaryTables } from './rotary.ts';

export interface AttentionIO {
  /** [B,1,1,T,S] additive mask (0 or -inf-like) for this layer's attention type. */
  mask: string;
  rotary?: RotaryTables;
  /** [B,kvHeads,P,headDim] cached keys/values (P may be 0). */
  pastKey: string;
  pastValue: string;
}

export function attention(c: BuildContext, x: string, layer: number, io: AttentionIO): { out: string; key: string; value: string } {
  const { g, spec } = c;
  const p = `layers.${layer}`;
  const { heads, kvHeads, headDim } = spec;
  const group = heads / kvHeads;
  let q = linear(c, x, `${p}.q`); // [B,T,heads*headDim]
  let k = linear(c, x, `${p}.k`); // [B,T,kvHeads*headDim]
  const v = linear(c, x, `${p}.v`);
  if (spec.family.qkNorm === 'full') {
    q = rmsNorm(c, q, c.weight(`${p}.q_norm.weight`));
    k = rmsNorm(c, k, c.weight(`${p}.k_norm.weight`));
  }
  let q4 = g.op('Reshape', [q, shapeBT(c, heads, headDim)]); // [B,T,heads,headDim]
  let k4 = g.op('Reshape', [k, shapeBT(c, kvHeads, headDim)]);
  const v4 = g.op('Reshape', [v, shapeBT(c, kvHeads, headDim)]);
  if (spec.family.qkNorm === 'head') {
    q4 = rmsNorm(c, q4, c.weight(`${p}.q_norm.weight`));
    k4 = rmsNorm(c, k4, c.weight(`${p}.k_norm.weight`));
  }
  if (io.rotary) {
    q4 = applyRotary(c, q4, io.rotary);
    k4 = applyRotary(c, k4, io.rotary);
  }
  const qg = g.op('Transpose', [g.op('Reshape', [q4, shapeBT(c, kvHeads, group, headDim)])], { perm: attr.ints([0, 2, 3, 1, 4]) }); // [B,kv,group,T,hd]
  const toHeads = (t: string) => g.op('Transpose', [t], { perm: attr.ints([0, 2, 1, 3]) }); // [B,kv,T,hd]
  const key = g.op('Concat', [io.pastKey, toHeads(k4)], { axis: attr.i(2) }); // [B,kv,S,hd]
  const value = g.op('Concat', [io.pastValue, toHeads(v4)], { axis: attr.i(2) });
  const keyT = g.op('Transpose', [g.op('Unsqueeze', [key, g.ints([2])])], { perm: attr.ints([0, 1, 2, 4, 3]) }); // [B,kv,1,hd,S]
  let scores = g.op('Mul', [g.op('MatMul', [qg, keyT]), g.scalar(spec.queryScale)]); // [B,kv,group,T,S]
  if (spec.attnSoftcap) scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, g.scalar(spec.attnSoftcap)])]), g.scalar(spec.attnSoftcap)]);
  const probs = g.op('Softmax', [g.op('Add', [scores, io.mask])], { axis: attr.i(-1) });
  const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [value, g.ints([2])])]); // [B,kv,group,T,hd]
  const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: attr.ints([0, 3, 1, 2, 4]) }), shapeBT(c, heads * headDim)]);
  return { out: linear(c, merged, `${p}.o`), key, value };
}
