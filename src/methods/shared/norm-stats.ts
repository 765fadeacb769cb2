// Statistics of per-token ‖finetuned − base‖ at one layer, as the toolkit's activation analysis reports
// them (mean, std, median, percentiles 25/75/90/95/99, max, min), streamed batch by batch.
import type { MethodContext } from '../../method/types.ts';
import { pairedForward } from './forward.ts';

/** The statistics of `values` under `prefix` (prefix.mean, .std, .p50, ...); {} when there are none. */
export function normStatistics(prefix: string, values: ArrayLike<number>): Record<string, number> {
  const n = values.length;
  if (n === 0) return {};
  const sorted = Float64Array.from(values).sort();
  const q = (f: number) => sorted[Math.floor(f * (n - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const out: Record<string, number> = { [`${prefix}.mean`]: mean, [`${prefix}.std`]: Math.sqrt(ss / n) };
  for (const p of [25, 50, 75, 90, 95, 99]) out[`${prefix}.p${p}`] = q(p / 100);
  out[`${prefix}.max`] = sorted[n - 1];
  out[`${prefix}.min`] = sorted[0];
  return out;
}

/** Per-token ‖ft − base‖ at resid_post.<layer> over every token of `docs` (equal lengths). */
export async function diffNorms(
  ctx: MethodContext,
  docs: number[][],
  layer: number,
  batchSize: number,
  step: string,
): Promise<Float32Array> {
  const H = ctx.finetuned.info.hiddenSize,
    T = docs[0].length;
  const hook = `resid_post.${layer}` as const;
  const norms = new Float32Array(docs.length * T);
  await pairedForward(ctx, docs, { hooks: [hook], batchSize, step }, ({ start, docs: batch, base, finetuned }) => {
    const b = base.hooks[hook]!.data,
      f = finetuned.hooks[hook]!.data;
    for (let i = 0; i < batch.length * T; i++) {
      let s = 0;
      for (let h = 0; h < H; h++) s += (f[i * H + h] - b[i * H + h]) ** 2;
      norms[start * T + i] = Math.sqrt(s);
    }
  });
  return norms;
}

/** One of the largest differences: its flat index (document · T + position), norm and vector. */
export interface Peak {
  index: number;
  norm: number;
  diff: Float32Array;
}

export interface StreamedNorms {
  /** ‖ft − base‖ per token [N·T]. */
  norms: Float64Array;
  /** Mean ‖finetuned activation‖ over positions ≥ skip (ADL's target norm). */
  targetNorm: number;
  /** The `keep` largest differences at positions ≥ minPosition, largest first (ties: earlier token first). */
  peaks: Peak[];
}

/**
 * diffNorms() that also keeps the largest differences' vectors and the target norm, holding one batch of
 * activations at a time (the toolkit's 50,000 samples × 1,024 tokens fit: 8 bytes per token).
 */
export async function streamDiffNorms(
  ctx: MethodContext,
  docs: number[][],
  o: { layer: number; batchSize: number; skip: number; minPosition: number; keep: number; step: string },
): Promise<StreamedNorms> {
  const H = ctx.finetuned.info.hiddenSize,
    T = docs[0].length;
  const hook = `resid_post.${o.layer}` as const;
  const norms = new Float64Array(docs.length * T);
  const peaks: Peak[] = [];
  let normSum = 0,
    normCount = 0;
  await pairedForward(ctx, docs, { hooks: [hook], batchSize: o.batchSize, step: o.step }, (batch) => {
    const b = batch.base.hooks[hook]!.data,
      f = batch.finetuned.hooks[hook]!.data;
    const diff = new Float32Array(H);
    for (let i = 0; i < batch.docs.length * T; i++) {
      let s = 0;
      for (let h = 0; h < H; h++) {
        diff[h] = f[i * H + h] - b[i * H + h];
        s += diff[h] ** 2;
      }
      const norm = Math.sqrt(s);
      const index = batch.start * T + i;
      norms[index] = norm;
      if (i % T >= o.skip) {
        let a = 0;
        for (let h = 0; h < H; h++) a += f[i * H + h] ** 2;
        normSum += Math.sqrt(a);
        normCount++;
      }
      if (i % T < o.minPosition || o.keep === 0) continue;
      if (peaks.length === o.keep && !(norm > peaks[peaks.length - 1].norm)) continue;
      let j = peaks.length;
      while (j > 0 && norm > peaks[j - 1].norm) j--;
      peaks.splice(j, 0, { index, norm, diff: Float32Array.from(diff) });
      if (peaks.length > o.keep) peaks.pop();
    }
  });
  return { norms, targetNorm: normCount ? normSum / normCount : 0, peaks };
}
