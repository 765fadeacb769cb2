// The mining pass of diff-mining: finetuned − base logits at every (document, position), by the final logits,
// the logit lens of an intermediate layer, or a Patchscope (the layer's hidden state patched into the last
// token of the first identity prompt, as the toolkit's patchscope_lens), and what the orderings and NMF need
// from each row.
import type { MethodContext } from '../../method/types.ts';
import type { LanguageModel, PromptPrefix } from '../../runtime/types.ts';
import { IDENTITY_WORDS, repeatPrompt } from '../../adl/patchscope.ts';
import { topK } from '../../adl/topk.ts';
import { pairedForward } from '../shared/forward.ts';

export interface MiningOptions {
  /**
   * 'logits': the models' final logits; 'logit-lens': resid_post.<layer> through each model's final norm and
   * unembedding; 'patchscope': resid_post.<layer> patched into each model at that layer, at the '?' of
   * "man -> man\n1135 -> 1135\nhello -> hello\n?".
   */
  extraction: 'logits' | 'logit-lens' | 'patchscope';
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

/** Rows of hidden states patched into `model` at `layer` at the prompt's last token: logits [N, V]. */
export async function patchscopeLogits(
  model: LanguageModel,
  loraScale: number | undefined,
  prefix: PromptPrefix,
  last: number,
  layer: number,
  hidden: Float32Array,
): Promise<Float32Array> {
  const H = model.info.hiddenSize,
    V = model.info.vocabSize;
  const N = hidden.length / H;
  const out = new Float32Array(N * V);
  const chunk = 128; // the toolkit's position_batch_size
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    const r = await model.forward({
      inputIds: Array.from({ length: n }, () => [last]),
      prefix,
      patch: [{ layer, position: 0, vector: hidden.subarray(start * H, (start + n) * H) }],
      logits: 'last',
      loraScale,
    });
    out.set(r.logits!.data.subarray(0, n * V), start * V);
  }
  return out;
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
  const hidden = o.extraction !== 'logits';
  let scope: { last: number; base: PromptPrefix; finetuned: PromptPrefix } | undefined;
  if (o.extraction === 'patchscope') {
    const ids = ctx.tokenizer.encode(repeatPrompt(IDENTITY_WORDS[0]));
    const prefill = (m: LanguageModel, loraScale: number | undefined) => {
      if (!m.prefill) throw new Error('diff-mining: patchscope extraction needs a model with prefill()');
      return m.prefill(ids.slice(0, -1), { loraScale });
    };
    scope = {
      last: ids[ids.length - 1],
      base: await prefill(ctx.base, ctx.baseScale),
      finetuned: await prefill(ctx.finetuned, ctx.finetunedScale),
    };
  }
  await pairedForward(
    ctx,
    docs,
    {
      logits: hidden ? 'none' : 'all',
      hooks: hidden ? [hook] : [],
      batchSize: o.batchSize,
      step: 'diff-mining: forward passes',
    },
    async ({ start, docs: batch, base, finetuned }) => {
      const T = batch[0].length;
      const hb = base.hooks[hook]?.data,
        hf = finetuned.hooks[hook]?.data;
      const [fl, bl] =
        o.extraction === 'logits'
          ? [finetuned.logits!.data, base.logits!.data]
          : o.extraction === 'logit-lens'
            ? [(await ctx.finetuned.lens(hf!)).data, (await ctx.base.lens(hb!)).data]
            : [
                await patchscopeLogits(ctx.finetuned, ctx.finetunedScale, scope!.finetuned, scope!.last, o.layer, hf!),
                await patchscopeLogits(ctx.base, ctx.baseScale, scope!.base, scope!.last, o.layer, hb!),
              ];
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
