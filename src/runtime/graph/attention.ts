// Causal self-attention with grouped query heads, optional q/k norms, rotary positions, soft-capping
// and a key/value cache. Query heads are grouped as [B, kvHeads, groupSize, T, headDim] so that keys
// and values broadcast over the group instead of being repeated. The fused variant runs the opset-23
// Attention kernel (GQA, past KV, additive mask) unless the family soft-caps scores before the mask,
// which that kernel does in the other order.
import { attr } from '../../onnx/graph.ts';
import type { BuildContext } from './context.ts';
import { shapeBT } from './context.ts';
import { hasLora, linear, linearPacked } from './linear.ts';
import { rmsNorm } from './norm.ts';
import { applyRotary, applyRotaryFused, type RotaryTables } from './rotary.ts';

export interface AttentionIO {
  /** [B,1,1,T,S] additive mask (0 or -inf-like) for this layer's attention type. */
  mask: string;
  /** The same mask as [B,1,T,S] (fused variant). */
  mask4?: string;
  rotary?: RotaryTables;
  /** [B,kvHeads,P,headDim] cached keys/values (P may be 0). */
  pastKey: string;
  pastValue: string;
}

interface Projected {
  q: string;
  k: string;
  v: string;
}

/** q, k, v after projections, q/k norms and rotary: [B,T,heads,hd] (reference) or [B,T,heads*hd] (fused). */
function project(c: BuildContext, x: string, layer: number, io: AttentionIO): Projected {
  const { g, spec } = c;
  const p = `layers.${layer}`;
  const { heads, kvHeads, headDim } = spec;
  if (
    c.fused &&
    c.jointQkNorm &&
    spec.family.qkNorm === 'head' &&
    io.rotary &&
    !hasLora(c, `${p}.q`) &&
    !hasLora(c, `${p}.k`)
  )
    return projectJointQK(c, x, layer, io.rotary);
  // q [B,T,heads*headDim], k and v [B,T,kvHeads*headDim]
  let [q, k, v] = linearPacked(c, x, `${p}.qkv`, [`${p}.q`, `${p}.k`, `${p}.v`]);
  if (spec.family.qkNorm === 'full') {
    q = rmsNorm(c, q, c.weight(`${p}.q_norm.weight`));
    k = rmsNorm(c, k, c.weight(`${p}.k_norm.weight`));
  }
  const split = (t: string, n: number) => g.op('Reshape', [t, shapeBT(c, n, headDim)]);
  const merge = (t: string, n: number) => g.op('Reshape', [t, shapeBT(c, n * headDim)]);
  if (c.fused) {
    if (spec.family.qkNorm === 'head') {
      q = merge(rmsNorm(c, split(q, heads), c.weight(`${p}.q_norm.weight`)), heads);
      k = merge(rmsNorm(c, split(k, kvHeads), c.weight(`${p}.k_norm.weight`)), kvHeads);
    }
    if (io.rotary) {
      q = applyRotaryFused(c, q, io.rotary, heads);
      k = applyRotaryFused(c, k, io.rotary, kvHeads);
    }
    return { q, k, v };
  }
  q = split(q, heads);
  k = split(k, kvHeads);
  v = split(v, kvHeads);
  if (spec.family.qkNorm === 'head') {
    q = rmsNorm(c, q, c.weight(`${p}.q_norm.weight`));
    k = rmsNorm(c, k, c.weight(`${p}.k_norm.weight`));
  }
  if (io.rotary) {
    q = applyRotary(c, q, io.rotary);
    k = applyRotary(c, k, io.rotary);
  }
  return { q, k, v };
}

/**
 * Fused, per-head q/k norms: q and k stay one tensor [B,T,(heads+kvHeads)·hd] through one RMSNormalization
 * (gain [heads+kvHeads, hd]: q's gain on the query heads, k's on the key heads) and one RotaryEmbedding
 * (rotation is per head and the same for both), then one Split: 3 fewer kernels per layer than doing q and k
 * apart. Not used when q or k has a LoRA branch (the branch is added between the projection and the norm).
 */
function projectJointQK(c: BuildContext, x: string, layer: number, rotary: RotaryTables): Projected {
  const { g, spec } = c;
  const p = `layers.${layer}`;
  const { heads, kvHeads, headDim } = spec;
  const [qk3, v] = linearPacked(c, x, `${p}.qkv`, [`${p}.qk`, `${p}.v`]);
  const gain = (name: string, n: number) => g.op('Expand', [c.weight(`${p}.${name}.weight`), g.ints([n, headDim])]);
  const qkGain = g.op('Concat', [gain('q_norm', heads), gain('k_norm', kvHeads)], { axis: attr.i(0) }); // folded to a constant by ORT
  const normed = rmsNorm(c, g.op('Reshape', [qk3, shapeBT(c, heads + kvHeads, headDim)]), qkGain);
  const qk = applyRotaryFused(
    c,
    g.op('Reshape', [normed, shapeBT(c, (heads + kvHeads) * headDim)]),
    rotary,
    heads + kvHeads,
  );
  const [q, k] = g.opN('Split', [qk, g.ints([heads * headDim, kvHeads * headDim])], 2, { axis: attr.i(-1) });
  return { q, k, v };
}

/** Scores, mask, softmax and context from q [B,T,heads,hd], k/v [B,T,kvHeads,hd]; returns [B,T,heads*hd]. */
function referenceCore(
  c: BuildContext,
  { q, k, v }: Projected,
  io: AttentionIO,
): { ctx: string; key: string; value: string } {
  const { g, spec } = c;
  const { heads, kvHeads, headDim } = spec;
  const group = heads / kvHeads;
  const qg = g.op('Transpose', [g.op('Reshape', [q, shapeBT(c, kvHeads, group, headDim)])], {
    perm: attr.ints([0, 2, 3, 1, 4]),
  }); // [B,kv,group,T,hd]
  const toHeads = (t: string) => g.op('Transpose', [t], { perm: attr.ints([0, 2, 1, 3]) }); // [B,kv,T,hd]
  const key = g.op('Concat', [io.pastKey, toHeads(k)], { axis: attr.i(2) }); // [B,kv,S,hd]
  const value = g.op('Concat', [io.pastValue, toHeads(v)], { axis: attr.i(2) });
  const keyT = g.op('Transpose', [g.op('Unsqueeze', [key, g.ints([2])])], { perm: attr.ints([0, 1, 2, 4, 3]) }); // [B,kv,1,hd,S]
  let scores = g.op('Mul', [g.op('MatMul', [qg, keyT]), c.float(spec.queryScale)]); // [B,kv,group,T,S]
  if (spec.attnSoftcap)
    scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, c.float(spec.attnSoftcap)])]), c.float(spec.attnSoftcap)]);
  const probs = g.op('Softmax', [g.op('Add', [scores, io.mask])], { axis: attr.i(-1) });
  const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [value, g.ints([2])])]); // [B,kv,group,T,hd]
  return {
    ctx: g.op('Reshape', [g.op('Transpose', [ctx], { perm: attr.ints([0, 3, 1, 2, 4]) }), shapeBT(c, heads * headDim)]),
    key,
    value,
  };
}

export function attention(
  c: BuildContext,
  x: string,
  layer: number,
  io: AttentionIO,
): { out: string; key: string; value: string } {
  const { g, spec } = c;
  const proj = project(c, x, layer, io);
  let core: { ctx: string; key: string; value: string };
  if (c.fusedAttention && !spec.attnSoftcap && io.mask4) {
    const [ctx, key, value] = g.opN('Attention', [proj.q, proj.k, proj.v, io.mask4, io.pastKey, io.pastValue], 3, {
      q_num_heads: attr.i(spec.heads),
      kv_num_heads: attr.i(spec.kvHeads),
      scale: attr.f(spec.queryScale),
    });
    core = { ctx, key, value };
  } else {
    const split = (t: string, n: number) => (c.fused ? g.op('Reshape', [t, shapeBT(c, n, spec.headDim)]) : t);
    core = referenceCore(
      c,
      { q: split(proj.q, spec.heads), k: split(proj.k, spec.kvHeads), v: split(proj.v, spec.kvHeads) },
      io,
    );
  }
  return { out: linear(c, core.ctx, `layers.${layer}.o`), key: core.key, value: core.value };
}
