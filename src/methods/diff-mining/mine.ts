// The mining pass of diff-mining: finetuned − base logits at every (document, position), by the final logits
// or the logit lens of an intermediate layer, and what the orderings and NMF need from each row.
import type { MethodContext } from '../../method/types.ts';
import { topK } from '../../adl/topk.ts';
import { pairedForward } from '../shared/forward.ts';

export interface MiningOptions {
  /** 'logits': the models' final logits; 'logit-lens': resid_post.<layer> through each model's final norm and unembedding. */
  extraction: 'logits' | 'logit-lens';
  layer: number;
  topK: number;
  batchSize: number;
}

export interface MinedRow {
  doc: number;
  position: number;
  /** The topK token ids by logit difference, largest first, and their differences. */
  ids: number[];
  values: number[];
}

export interface Mined {
  /** Slots in the per-position top-K lists per token. */
  counts: Float64Array;
  /** Positions where the token's logit difference is > 0. */
  positive: Float64Array;
  positions: number;
}

/** Runs both models over `docs` and calls `row` for every (document, position) with its top-K; returns the counts. */
export async function mine(
  ctx: MethodContext,
  docs: number[][],
  o: MiningOptions,
  row: (r: MinedRow) => void,
): Promise<Mined> {
  const V = ctx.finetuned.info.vocabSize;
  const counts = new Float64Array(V),
    positive = new Float64Array(V);
  const diff = new Float32Array(V);
  let positions = 0;
  const hook = `resid_post.${o.layer}` as const;
  const lens = o.extraction === 'logit-lens';
  await pairedForward(
    ctx,
    docs,
    {
      logits: lens ? 'none' : 'all',
      hooks: lens ? [hook] : [],
      batchSize: o.batchSize,
      step: 'diff-mining: forward passes',
    },
    async ({ start, docs: batch, base, finetuned }) => {
      const T = batch[0].length;
      const [fl, bl] = lens
        ? await Promise.all([
            ctx.finetuned.lens(finetuned.hooks[hook]!.data).then((t) => t.data),
            ctx.base.lens(base.hooks[hook]!.data).then((t) => t.data),
          ])
        : [finetuned.logits!.data, base.logits!.data];
      for (let d = 0; d < batch.length; d++)
        for (let p = 0; p < T; p++) {
          const at = (d * T + p) * V;
          for (let v = 0; v < V; v++) {
            diff[v] = fl[at + v] - bl[at + v];
            if (diff[v] > 0) positive[v]++;
          }
          const ids = topK(diff, o.topK);
          for (const id of ids) counts[id]++;
          positions++;
          row({ doc: start + d, position: p, ids, values: ids.map((id) => diff[id]) });
        }
    },
  );
  return { counts, positive, positions };
}
