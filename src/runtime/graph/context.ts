// What every graph-building function needs: the graph, the model spec, and access to weights.
import type { Graph } from '../../onnx/graph.ts';
import type { ModelSpec } from '../config.ts';

export interface BuildContext {
  g: Graph;
  spec: ModelSpec;
  /** Initializer name of a logical weight (see weights.ts). */
  weight(name: string): string;
  hasWeight(name: string): boolean;
  weightDims(name: string): number[];
  /** float32 [B,1,1] LoRA scale per row, when an adapter is applied. */
  loraScale?: string;
  /** Use ONNX Runtime's fused kernels (RMSNormalization, skip-norm, RotaryEmbedding, Attention) where they match. */
  fused: boolean;
  /** Fused variant: q and k of per-head q/k norms through one RMSNormalization (attention.ts projectJointQK). */
  jointQkNorm: boolean;
  /** Fused variant: opset-23 Attention where it matches; otherwise the reference decomposition (attention.ts). */
  fusedAttention: boolean;
  /** Element type of weights and activations ('float16': precision 'fp16'). */
  dtype: 'float32' | 'float16';
  /** A scalar constant in the activation dtype. */
  float(x: number): string;
  /** Quantisation of the decoder's linear layers, or null for float32. */
  quant: QuantSpec | null;
  /** Values already computed from a graph value (e.g. one per-row quantisation of x shared by q, k, v). */
  memo: Map<string, string[]>;
}

/**
 * How the decoder's linear layers are quantised:
 *  'nbits': weight-only block quantisation (MatMulNBits): `bits` per weight, one scale per `block` inputs;
 *  'rowint8': int8 weights with one scale per output column, and activations quantised to 8 bits with one
 *  scale per row (token), so integer products are exact and a row's result never depends on other rows.
 */
export type QuantSpec = { kind: 'nbits'; bits: 4 | 8; block: number; accuracyLevel: number } | { kind: 'rowint8' };

/** Reshape target [B, T, ...rest] as a constant: 0 keeps the input's dimension (no Shape/Concat at run time). */
export function shapeBT(c: BuildContext, ...rest: number[]): string {
  return c.g.ints([0, 0, ...rest]);
}
