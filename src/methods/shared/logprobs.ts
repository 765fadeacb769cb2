// Per-token next-token distributions of both models over documents: log-probabilities in float64 (src/vector.ts, the
// reference, and the causal-kl method's few tokens) and, for the kl method, each token's KL(finetuned || base)
// from ONNX Runtime batch by batch (src/runtime/vocab-ops.ts: one Math.exp per vocabulary entry in
// JavaScript cost ~18 ms per token at a 151,936-token vocabulary).
import type { MethodContext } from '../../method/types.ts';
import { rowKl } from '../../runtime/vocab-ops.ts';
import { pairedForward } from './forward.ts';

export interface TokenKl {
  doc: number;
  position: number;
  /** KL(finetuned || base) of the next-token distributions, nats. */
  kl: number;
  /** [V] next-token logits, finetuned and base (views into the batch: copy what you keep). */
  ft: Float32Array;
  base: Float32Array;
}

/**
 * Runs both models over `docs` and calls `visit` for every (document, position); `batchDiff` gets each batch's
 * [V] sum over its tokens of log p_ft − log p_base.
 */
export async function visitTokenKl(
  ctx: MethodContext,
  docs: number[][],
  batchSize: number,
  step: string,
  visit: (t: TokenKl) => void,
  batchDiff?: (sum: Float32Array) => void,
): Promise<void> {
  const V = ctx.finetuned.info.vocabSize;
  await pairedForward(
    ctx,
    docs,
    { logits: 'all', batchSize, step },
    async ({ start, docs: batch, base, finetuned }) => {
      const [B, T] = finetuned.logits!.dims;
      const f = finetuned.logits!.data,
        b = base.logits!.data;
      if (B !== batch.length) throw new Error(`visitTokenKl: ${B} logit rows for ${batch.length} documents`);
      const { kl, diffSum } = await rowKl(f, b, B * T, V);
      batchDiff?.(diffSum);
      for (let d = 0; d < B; d++)
        for (let p = 0; p < T; p++) {
          const row = d * T + p;
          const at = row * V;
          visit({ doc: start + d, position: p, kl: kl[row], ft: f.subarray(at, at + V), base: b.subarray(at, at + V) });
        }
    },
  );
}
