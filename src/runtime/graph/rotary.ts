// Rotary position embeddings in the graph: cos/sin tables from position ids, and their application.
import { attr, type Attr } from '../../onnx/graph.ts';
import type { RopeSpec } from '../rope.ts';
import type { BuildContext } from './context.ts';

/**
 * Reference: cos, sin [B,T,1,rotaryDim] (the 1 broadcasts over heads).
 * Fused: cos, sin [B,T,rotaryDim/2], the layout of RotaryEmbedding without position ids.
 */
export interface RotaryTables {
  cos: string;
  sin: string;
  rotaryDim: number;
}

export function rotaryTables(c: BuildContext, positionIds: string, rope: RopeSpec): RotaryTables {
  const { g } = c;
  const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: attr.i(1) }), g.ints([2])]); // [B,T,1]
  const freqs = g.op('Mul', [pos, g.constant(rope.invFreq, [rope.invFreq.length])]); // [B,T,rot/2]
  const emb = c.fused ? freqs : g.op('Unsqueeze', [g.op('Concat', [freqs, freqs], { axis: attr.i(-1) }), g.ints([2])]);
  const scaled = (t: string) => (rope.attentionFactor === 1 ? t : g.op('Mul', [t, g.scalar(rope.attentionFactor)]));
  // positions times frequencies in float32 (float16 has 11 significant bits); the tables in the activation dtype
  const typed = (t: string) => (c.dtype === 'float32' ? t : g.op('Cast', [t], { to: attr.i(10) }));
  return { cos: typed(scaled(g.op('Cos', [emb]))), sin: typed(scaled(g.op('Sin', [emb]))), rotaryDim: rope.rotaryDim };
}

/** x·cos + rotate_half(x)·sin on the first rotaryDim features of x [B,T,heads,headDim]. */
export function applyRotary(c: BuildContext, x: string, t: RotaryTables): string {
  const { g } = c;
  const slice = (s: string, from: number, to: number) => g.op('Slice', [s, g.ints([from]), g.ints([to]), g.ints([-1])]);
  const half = t.rotaryDim / 2;
  const rot = t.rotaryDim === c.spec.headDim ? x : slice(x, 0, t.rotaryDim);
  const rotated = g.op('Concat', [g.op('Neg', [slice(rot, half, t.rotaryDim)]), slice(rot, 0, half)], {
    axis: attr.i(-1),
  });
  const out = g.op('Add', [g.op('Mul', [rot, t.cos]), g.op('Mul', [rotated, t.sin])]);
  if (t.rotaryDim === c.spec.headDim) return out;
  return g.op('Concat', [out, slice(x, t.rotaryDim, c.spec.headDim)], { axis: attr.i(-1) });
}

/** The fused form: opset-23 RotaryEmbedding on x [B,T,heads*headDim] (non-interleaved = rotate_half). */
export function applyRotaryFused(c: BuildContext, x: string, t: RotaryTables, heads: number): string {
  const attrs: Record<string, Attr> = { num_heads: attr.i(heads), interleaved: attr.i(0) };
  if (t.rotaryDim !== c.spec.headDim) attrs.rotary_embedding_dim = attr.i(t.rotaryDim);
  return c.g.op('RotaryEmbedding', [x, t.cos, t.sin], attrs);
}
