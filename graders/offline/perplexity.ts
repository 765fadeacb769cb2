// Mean token NLL of texts under a language model (the perplexity rule of the offline coherence
// grader). Tokens 1..T−1 are scored given their prefix; the first token has no context to be
// predicted from (the zoo has no BOS), so a text needs ≥ 2 tokens to get a score (else NaN).
import type { LanguageModel } from '../../src/runtime/types.ts';
import { tokenNll } from '../../src/runtime/vocab-ops.ts';

export interface PerplexityScorerOptions {
  /** The model that judges the text (the BASE model: steering must not make it the judge of itself). */
  model: LanguageModel;
  /** The organism's tokenizer; texts are encoded without special tokens. */
  encode: (text: string) => number[];
  /** LoRA branch scale of the judging side (0 = base for LoRA organisms; undefined for plain models). */
  loraScale?: number;
  /** Rows per forward pass. */
  batchSize?: number;
  /** Texts are truncated to this many tokens. */
  maxTokens?: number;
}

/**
 * Mean over positions t ≥ 1 of −log softmax(logits[t−1])[ids[t]] for one row of [T,V] logits: the plain
 * definition in float64 (meanTokenNll computes the same in ONNX Runtime; the tests compare the two).
 */
export function meanNllOfLogits(logits: Float32Array, offset: number, ids: number[], V: number): number {
  if (ids.length < 2) return NaN;
  let total = 0;
  for (let t = 1; t < ids.length; t++) {
    const row = offset + (t - 1) * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[row + v] > max) max = logits[row + v];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v] - max);
    total += max + Math.log(sum) - logits[row + ids[t]];
  }
  return total / (ids.length - 1);
}

/** Mean token NLL (nats) of each token sequence; rows are batched with right padding. */
export async function meanTokenNll(
  model: LanguageModel,
  sequences: number[][],
  opts: { loraScale?: number; batchSize?: number } = {},
): Promise<number[]> {
  const batchSize = opts.batchSize ?? 32;
  const pad = model.info.padTokenId ?? model.info.eosTokenIds[0] ?? 0;
  const out = new Array<number>(sequences.length).fill(NaN);
  // Similar lengths share a batch, so little compute goes to padding.
  const order = sequences
    .map((_, i) => i)
    .filter((i) => sequences[i].length >= 2)
    .sort((a, b) => sequences[a].length - sequences[b].length);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const T = sequences[rows[rows.length - 1]].length;
    const inputIds = rows.map((i) => [...sequences[i], ...Array(T - sequences[i].length).fill(pad)]);
    const attentionMask = rows.map((i) => Array.from({ length: T }, (_, t) => (t < sequences[i].length ? 1 : 0)));
    const { logits } = await model.forward({ inputIds, attentionMask, logits: 'all', loraScale: opts.loraScale });
    if (logits?.dims.length !== 3)
      throw new Error(`meanTokenNll: forward returned no [B,T,V] logits (dims ${logits?.dims})`);
    const V = logits.dims[2];
    // position t of row b predicts token t + 1; padding and each row's last position get target 0 and are not read
    const targets = new Array<number>(rows.length * T).fill(0);
    rows.forEach((i, b) => sequences[i].slice(1).forEach((id, t) => (targets[b * T + t] = id)));
    const nll = await tokenNll(logits.data, V, targets);
    rows.forEach((i, b) => {
      let total = 0;
      for (let t = 0; t < sequences[i].length - 1; t++) total += nll[b * T + t];
      out[i] = total / (sequences[i].length - 1);
    });
  }
  return out;
}

/** `scoreText` for HeuristicCoherenceGrader: texts → mean token NLL under the given model. */
export function perplexityScorer(o: PerplexityScorerOptions): (texts: string[]) => Promise<number[]> {
  const maxTokens = o.maxTokens ?? 256;
  return (texts) =>
    meanTokenNll(
      o.model,
      texts.map((t) => o.encode(t).slice(0, maxTokens)),
      { loraScale: o.loraScale, batchSize: o.batchSize },
    );
}
