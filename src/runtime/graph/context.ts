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
  /** int64 [2] = [B, T] of the current input. */
  batchTokens: string;
  /** float32 [B,1,1] LoRA scale per row, when an adapter is applied. */
  loraScale?: string;
  /** Use ONNX Runtime's fused kernels (RMSNormalization, skip-norm, RotaryEmbedding, Attention) where they match. */
  fused: boolean;
  /** Weight-only quantisation of the decoder's linear layers (MatMulNBits), or null for float32. */
  quant: QuantSpec | null;
}

/** Weight-only block quantisation of a linear layer: `bits` per weight, one float scale per `block` inputs. */
export interface QuantSpec { bits: 4 | 8; block: number; accuracyLevel: number }

/** Concat([B, T], rest) as an int64 shape tensor. */
export function shapeBT(c: BuildContext, ...rest: number[]): string {
  return c.g.op('Concat', [c.batchTokens, c.g.ints(rest)], { axis: { kind: 'i', v: 0 } });
}
