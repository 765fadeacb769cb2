// Residual-stream differences (finetuned − base) at one layer over unrelated documents: the common pass
// of the activation-difference, PCA and weight-SVD methods.
import type { MethodContext } from '../../method/types.ts';
import { pairedForward } from './forward.ts';

export interface LayerDiffs {
  layer: number;
  /** Documents × tokens; diffs[(d*T + p)*H + h] = ft − base. [N,T,H] */
  diffs: Float32Array;
  N: number;
  T: number;
  H: number;
  /** Mean ‖finetuned activation‖ over positions ≥ skip: the unit of steering strength (ADL's target norm). */
  targetNorm: number;
}

/** Absolute layer of a relative one: floor(r·(L−1)), as ADL. */
export function layerOf(relative: number, numLayers: number): number {
  return Math.floor(relative * (numLayers - 1));
}

/** Collects ft − base at `resid_post.<layer>` for every token of `docs` (all of equal length). */
export async function collectDiffs(
  ctx: MethodContext,
  docs: number[][],
  layer: number,
  batchSize: number,
  skip: number,
  step: string,
): Promise<LayerDiffs> {
  const H = ctx.finetuned.info.hiddenSize,
    N = docs.length,
    T = docs[0].length;
  const hook = `resid_post.${layer}` as const;
  const diffs = new Float32Array(N * T * H);
  let normSum = 0,
    normCount = 0;
  await pairedForward(ctx, docs, { hooks: [hook], batchSize, step }, ({ start, docs: batch, base, finetuned }) => {
    const b = base.hooks[hook]!.data,
      f = finetuned.hooks[hook]!.data;
    for (let i = 0; i < batch.length * T * H; i++) diffs[start * T * H + i] = f[i] - b[i];
    for (let d = 0; d < batch.length; d++)
      for (let p = skip; p < T; p++) {
        let s = 0;
        for (let h = 0; h < H; h++) s += f[(d * T + p) * H + h] ** 2;
        normSum += Math.sqrt(s);
        normCount++;
      }
  });
  return { layer, diffs, N, T, H, targetNorm: normCount ? normSum / normCount : 0 };
}
