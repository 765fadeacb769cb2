// Step 1 (docs/toolkit.md#collection): streaming per-position means of (finetuned − base), of base and of finetuned
// activations after decoder layer L, and mean activation norms. Sums are float64 [n·H] per layer,
// so memory never grows with the number of documents.
import type { HookName } from '../runtime/types.ts';
import { modelOf, scaleOf, sharesBatch, type ModelPair, type Side } from './pair.ts';
import { norm } from '../vector.ts';

export interface LayerMeans {
  layer: number;
  /** Documents averaged over. */
  count: number;
  /** Tokens per document. */
  tokens: number;
  hidden: number;
  /** Per position p < tokens: mean(ft − base), mean(base), mean(ft), each [H]. */
  diff: Float32Array[];
  base: Float32Array[];
  finetuned: Float32Array[];
  /** ‖mean diff‖ per position. */
  diffNorm: number[];
  /** Mean ‖activation‖ per position, per model. */
  baseActNorm: number[];
  ftActNorm: number[];
  /** Mean ‖activation‖ over all (document, position ≥ skipTokens): the toolkit's model norms. */
  baseNorm: number;
  /** The finetuned model's norm: the target norm of Patchscope latents and steering vectors. */
  targetNorm: number;
}

export interface CollectOptions {
  layers: number[];
  batchSize: number;
  skipTokens: number;
  progress?: (done: number, total: number) => void;
}

class Accumulator {
  readonly diff: Float64Array;
  readonly base: Float64Array;
  readonly ft: Float64Array;
  readonly baseNormByPos: Float64Array;
  readonly ftNormByPos: Float64Array;
  count = 0;

  constructor(
    readonly layer: number,
    readonly T: number,
    readonly H: number,
  ) {
    this.diff = new Float64Array(T * H);
    this.base = new Float64Array(T * H);
    this.ft = new Float64Array(T * H);
    this.baseNormByPos = new Float64Array(T);
    this.ftNormByPos = new Float64Array(T);
  }

  /** Adds B documents: base and ft are [B,T,H] at offsets baseRow0/ftRow0 (in rows) of their tensors. */
  add(base: Float32Array, baseRow0: number, ft: Float32Array, ftRow0: number, B: number): void {
    const { T, H } = this;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const ob = ((baseRow0 + b) * T + t) * H;
        const of = ((ftRow0 + b) * T + t) * H;
        const o = t * H;
        let nb = 0;
        let nf = 0;
        for (let h = 0; h < H; h++) {
          const xb = base[ob + h];
          const xf = ft[of + h];
          this.diff[o + h] += xf - xb;
          this.base[o + h] += xb;
          this.ft[o + h] += xf;
          nb += xb * xb;
          nf += xf * xf;
        }
        if (!Number.isFinite(nb) || !Number.isFinite(nf))
          throw new Error(`collect: non-finite activation at layer ${this.layer}, position ${t}`);
        this.baseNormByPos[t] += Math.sqrt(nb);
        this.ftNormByPos[t] += Math.sqrt(nf);
      }
    }
    this.count += B;
  }

  finish(skipTokens: number): LayerMeans {
    const { T, H, count } = this;
    const meanRows = (sum: Float64Array) =>
      Array.from({ length: T }, (_, t) => Float32Array.from(sum.subarray(t * H, (t + 1) * H), (x) => x / count));
    const diff = meanRows(this.diff);
    const baseActNorm = Array.from(this.baseNormByPos, (x) => x / count);
    const ftActNorm = Array.from(this.ftNormByPos, (x) => x / count);
    const tail = (xs: number[]) => xs.slice(skipTokens).reduce((s, x) => s + x, 0) / (T - skipTokens);
    return {
      layer: this.layer,
      count,
      tokens: T,
      hidden: H,
      diff,
      base: meanRows(this.base),
      finetuned: meanRows(this.ft),
      diffNorm: diff.map(norm),
      baseActNorm,
      ftActNorm,
      baseNorm: tail(baseActNorm),
      targetNorm: tail(ftActNorm),
    };
  }
}

/** Means over `documents` (equal-length token-id rows; base and finetuned see the identical ids). */
export async function collectMeans(
  pair: ModelPair,
  documents: number[][],
  opts: CollectOptions,
): Promise<LayerMeans[]> {
  if (documents.length === 0) throw new Error('collect: no documents');
  const T = documents[0].length;
  documents.forEach((d, i) => {
    if (d.length !== T)
      throw new Error(`collect: document ${i} has ${d.length} tokens; all must have ${T} (truncate to n)`);
  });
  if (T <= opts.skipTokens) {
    throw new Error(
      `collect: documents have ${T} tokens; the target norm needs positions >= skipTokens (${opts.skipTokens}), so use more tokens`,
    );
  }
  const H = pair.finetuned.info.hiddenSize;
  const hooks = opts.layers.map((l) => `resid_post.${l}` as HookName);
  const acc = opts.layers.map((l) => new Accumulator(l, T, H));
  const capture = async (side: Side, ids: number[][], scale?: number | number[]) => {
    const r = await modelOf(pair, side).forward({
      inputIds: ids,
      capture: hooks,
      logits: 'none',
      loraScale: scale ?? scaleOf(pair, side),
    });
    return hooks.map((h) => {
      const t = r.hooks[h];
      if (!t) throw new Error(`collect: the runtime did not return hook ${h}`);
      return t.data;
    });
  };
  for (let start = 0; start < documents.length; start += opts.batchSize) {
    const batch = documents.slice(start, start + opts.batchSize);
    const B = batch.length;
    if (sharesBatch(pair)) {
      const scales = [...batch.map(() => pair.baseScale!), ...batch.map(() => pair.finetunedScale!)];
      const acts = await capture('finetuned', [...batch, ...batch], scales);
      acts.forEach((a, i) => acc[i].add(a, 0, a, B, B));
    } else {
      const base = await capture('base', batch);
      const ft = await capture('finetuned', batch);
      acc.forEach((a, i) => a.add(base[i], 0, ft[i], 0, B));
    }
    opts.progress?.(start + B, documents.length);
  }
  return acc.map((a) => a.finish(opts.skipTokens));
}
