// What every graph-building function needs: the graph, the model spec, and access to weights.
import type { Graph } from '../../onnx/graph.ts';
import type { ModelSpec } from '../config.ts';

export interface BuildContext {
  g: Graph;
  spec: ModelSpec;
  /** Initializer name of a logical weight (see weights.ts). */
  weight(name: string): string;
  hasWeight(name: string): boolean;
  /** int64 [2] = [B, T] of the current input. */
  batchTokens: string;
  /** float32 [B,1,1] LoRA scale per row, when an adapter is applied. */
  loraScale?: string;
}

/** Concat([B, T], rest) as an int64 shape tensor. */
export function shapeBT(c: BuildContext, ...rest: number[]): string {
  return c.g.op('Concat', [c.batchTokens, c.g.ints(rest)], { axis: { kind: 'i', v: 0 } });
}
