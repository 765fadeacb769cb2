// The Activation Difference Lens collection as a workload: mean over documents of the finetuned-minus-base
// residual at one layer, per position. Two ways to run base and finetuned through one LoRA session:
//   'separate': each batch twice, lora scale 0 then 1;
//   'joint': one batch of 2n rows, the first n at scale 0 and the last n at scale 1 (per-row LoRA scale).
import type { LanguageModel } from '../runtime/types.ts';

export type AdlMode = 'separate' | 'joint';

/** Mean finetuned-minus-base difference [T,H] at `layer` over all documents (each of length T). */
export async function collectDifference(
  model: LanguageModel,
  docs: number[][],
  layer: number,
  batchSize: number,
  mode: AdlMode,
): Promise<Float32Array> {
  const T = docs[0].length,
    H = model.info.hiddenSize;
  if (docs.some((d) => d.length !== T)) throw new Error('collectDifference: all documents must have the same length');
  const hook = `resid_post.${layer}` as const;
  const sum = new Float64Array(T * H);
  const accumulate = (data: Float32Array, baseRow: number, ftRow: number) => {
    const b = baseRow * T * H,
      f = ftRow * T * H;
    for (let i = 0; i < T * H; i++) sum[i] += data[f + i] - data[b + i];
  };
  for (let start = 0; start < docs.length; start += batchSize) {
    const batch = docs.slice(start, start + batchSize);
    const n = batch.length;
    if (mode === 'joint') {
      const out = await model.forward({
        inputIds: [...batch, ...batch],
        capture: [hook],
        logits: 'none',
        loraScale: [...new Array(n).fill(0), ...new Array(n).fill(1)],
      });
      for (let r = 0; r < n; r++) accumulate(out.hooks[hook]!.data, r, n + r);
    } else {
      const base = await model.forward({ inputIds: batch, capture: [hook], logits: 'none', loraScale: 0 });
      const ft = await model.forward({ inputIds: batch, capture: [hook], logits: 'none', loraScale: 1 });
      const joined = new Float32Array(2 * n * T * H);
      joined.set(base.hooks[hook]!.data, 0);
      joined.set(ft.hooks[hook]!.data, n * T * H);
      for (let r = 0; r < n; r++) accumulate(joined, r, n + r);
    }
  }
  return Float32Array.from(sum, (v) => v / docs.length);
}

/** ||a − b|| / ||b|| */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths differ (${a.length} vs ${b.length})`);
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}
