// Scores computed from grader labels (docs/toolkit.md#steering, docs/toolkit.md#token-relevance).
import type { CoherenceLabel, RelevanceLabel } from '../method/graders.ts';

/**
 * Fraction of the top-k candidates labelled RELEVANT (the toolkit's `percentage`, as a fraction):
 * UNKNOWN counts as not relevant; UNGRADED (the grader's calls failed) is not scored: left out of the
 * denominator too, and NaN when nothing of the top-k was graded.
 */
export function relevanceFraction(labels: RelevanceLabel[], topK = 20): number {
  const top = labels.slice(0, topK);
  if (top.length === 0) throw new Error('relevanceFraction: no labels');
  const graded = top.filter((l) => l !== 'UNGRADED');
  return graded.length === 0 ? NaN : graded.filter((l) => l === 'RELEVANT').length / graded.length;
}

/** The same fraction weighted by each candidate's probability (the toolkit's `weighted_percentage`). */
export function weightedRelevanceFraction(labels: RelevanceLabel[], weights: number[], topK = 20): number {
  if (labels.length !== weights.length)
    throw new Error(`weightedRelevanceFraction: ${labels.length} labels but ${weights.length} weights`);
  const n = Math.min(topK, labels.length);
  let total = 0;
  let relevant = 0;
  for (let i = 0; i < n; i++) {
    if (!(weights[i] >= 0)) throw new Error(`weightedRelevanceFraction: weights[${i}] must be >= 0, got ${weights[i]}`);
    total += weights[i];
    if (labels[i] === 'RELEVANT') relevant += weights[i];
  }
  if (total === 0) throw new Error('weightedRelevanceFraction: weights sum to 0');
  return relevant / total;
}

/** Percentage (0-100) of COHERENT among known labels; UNKNOWN and UNGRADED excluded; 0 when none is known. */
export function coherencePercentage(labels: CoherenceLabel[]): number {
  const known = labels.filter((l) => l !== 'UNKNOWN' && l !== 'UNGRADED');
  if (known.length === 0) return 0;
  return (100 * known.filter((l) => l === 'COHERENT').length) / known.length;
}

/** The largest value and where it is (the paper reports the max over positions 0-4). */
export function maxOverPositions(values: number[] | Record<number, number>): { value: number; position: number } {
  const entries: [number, number][] = Array.isArray(values)
    ? values.map((v, i) => [i, v])
    : Object.entries(values).map(([k, v]) => [Number(k), v]);
  const finite = entries.filter(([, v]) => Number.isFinite(v));
  if (finite.length === 0) throw new Error('maxOverPositions: no finite values');
  const [position, value] = finite.reduce((best, e) => (e[1] > best[1] ? e : best));
  return { value, position };
}

/**
 * The toolkit's `trivial_percentage` baseline as a fraction: candidates that are themselves frequent
 * finetuning tokens. Unlike the toolkit, both sides are compared without tokenizer markers and
 * surrounding whitespace, so " cake" matches "Ġcake" (the toolkit's exact match under-counts there).
 */
export function frequentTokenMatchFraction(candidates: string[], frequentTokens: string[], topK = 20): number {
  const bare = (t: string) => t.replace(/[ĠĊĉ▁]/g, ' ').trim();
  const frequent = new Set(frequentTokens.map(bare));
  const top = candidates.slice(0, topK);
  if (top.length === 0) throw new Error('frequentTokenMatchFraction: no candidates');
  return top.filter((t) => frequent.has(bare(t))).length / top.length;
}
