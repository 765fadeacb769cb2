// Step 2 (docs/toolkit.md#logit-lens): logit lens of a vector through the finetuned model's final norm and unembedding
// (no soft-capping), softmax, top-k; plus the same for the negated vector.
import type { LanguageModel } from '../runtime/types.ts';
import { softmax, topK } from './topk.ts';

export interface LensResult {
  ids: number[];
  probs: number[];
  /** Top-k of lens(−v). */
  invIds: number[];
  invProbs: number[];
}

/** Lens readouts of several [H] vectors with one call of the model's lens. */
export async function logitLens(model: LanguageModel, vectors: Float32Array[], k: number): Promise<LensResult[]> {
  const H = model.info.hiddenSize;
  const V = model.info.vocabSize;
  const rows = new Float32Array(2 * vectors.length * H);
  vectors.forEach((v, i) => {
    if (v.length !== H) throw new Error(`logitLens: vector ${i} has ${v.length} values, expected hidden size ${H}`);
    rows.set(v, 2 * i * H);
    rows.set(
      v.map((x) => -x),
      (2 * i + 1) * H,
    );
  });
  const logits = (await model.lens(rows, { softcap: false })).data;
  const top = (row: number) => {
    const p = softmax(logits.subarray(row * V, (row + 1) * V));
    const ids = topK(p, k);
    return { ids, probs: ids.map((i) => p[i]) };
  };
  return vectors.map((_, i) => {
    const pos = top(2 * i);
    const neg = top(2 * i + 1);
    return { ids: pos.ids, probs: pos.probs, invIds: neg.ids, invProbs: neg.probs };
  });
}
