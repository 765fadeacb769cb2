// Per-token next-token log-probabilities of both models over unrelated documents, handed to a visitor
// one (document, position) at a time: the common pass of the KL and diff-mining methods.
import type { MethodContext } from '../../method/types.ts';
import { pairedForward } from './forward.ts';

/** log softmax of `logits` into `out` (float64). */
export function logSoftmax(logits: Float32Array, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
}

/** KL(p || q) in nats from log-probabilities. */
export function klDivergence(logP: Float64Array, logQ: Float64Array): number {
  let kl = 0;
  for (let i = 0; i < logP.length; i++) {
    const p = Math.exp(logP[i]);
    if (p > 0) kl += p * (logP[i] - logQ[i]);
  }
  return Math.max(0, kl);
}

export interface TokenVisit {
  doc: number;
  position: number;
  /** [V] log-probabilities of the next token, finetuned and base (reused buffers: copy what you keep). */
  ft: Float64Array;
  base: Float64Array;
}

/** Runs both models over `docs` and calls `visit` for every (document, position). */
export async function visitLogProbs(
  ctx: MethodContext,
  docs: number[][],
  batchSize: number,
  step: string,
  visit: (t: TokenVisit) => void,
): Promise<void> {
  const V = ctx.finetuned.info.vocabSize;
  const ft = new Float64Array(V),
    base = new Float64Array(V);
  await pairedForward(
    ctx,
    docs,
    { logits: 'all', batchSize, step },
    ({ start, docs: batch, base: b, finetuned: f }) => {
      const T = f.logits!.dims[1];
      for (let d = 0; d < batch.length; d++)
        for (let p = 0; p < T; p++) {
          const at = (d * T + p) * V;
          logSoftmax(f.logits!.data.subarray(at, at + V), ft);
          logSoftmax(b.logits!.data.subarray(at, at + V), base);
          visit({ doc: start + d, position: p, ft, base });
        }
    },
  );
}
