// Scores of a MethodOutput (spec §5-6): token relevance of the readouts (fraction of the top 20,
// max over positions) and steering similarity (centroid cosine of embeddings) with bootstrap CIs.
import type { OrganismContext, RelevanceLabel, TextEmbedder, TokenRelevanceGrader } from '../../graders/types.ts';
import { bootstrapCI, type ConfidenceInterval } from '../metrics/bootstrap.ts';
import { maxOverPositions, relevanceFraction } from '../metrics/labels.ts';
import { centroidCosine, selfSimilarity } from '../metrics/similarity.ts';
import type { MethodOutput } from '../method/types.ts';

export interface RelevanceScore {
  source: string;
  variant: string;
  layer: number;
  position: number;
  candidates: string[];
  labels: RelevanceLabel[];
  /** Fraction of the top-20 candidates labelled RELEVANT. */
  fraction: number;
  /** Patchscope: the same fraction over the grader-selected subset (NaN when it is empty). */
  filteredFraction?: number;
}

export interface SteeringScore {
  variant: string;
  layer: number;
  position: number;
  strength: number;
  steeredVsFinetune: ConfidenceInterval;
  unsteeredVsFinetune: ConfidenceInterval;
  steeredVsUnrelated: number;
  finetuneSelf: number;
}

export interface Scores {
  graders: { relevance: { id: string; version: string }; embedder: { id: string; version: string } };
  relevance: RelevanceScore[];
  /** `${source}.${variant}.L${layer}` → max over positions of the fraction. */
  relevanceMax: Record<string, { value: number; position: number }>;
  steering: SteeringScore[];
  /** `${variant}.L${layer}` → max over positions of steered-vs-finetune similarity. */
  steeringMax: Record<string, { value: number; position: number }>;
}

export interface ScoreOptions {
  organism: OrganismContext;
  relevance: TokenRelevanceGrader;
  embedder: TextEmbedder;
  /** Finetuning-data texts (the paper uses 500). */
  finetuneTexts: string[];
  unrelatedTexts: string[];
  candidates?: number;
  seed: string;
  bootstrap?: number;
}

/** Embeddings of the texts that have any (texts with no words embed to zero and are dropped, as empty ones are). */
export async function embedTexts(embedder: TextEmbedder, texts: string[]): Promise<Float32Array[]> {
  const vs = await embedder.embed(texts.filter((t) => t.trim() !== ''));
  return vs.filter((v) => v.some((x) => x !== 0));
}

function maxBy<T>(items: T[], key: (t: T) => string, value: (t: T) => number, position: (t: T) => number) {
  const groups = new Map<string, Record<number, number>>();
  for (const it of items) {
    const g = groups.get(key(it)) ?? {};
    g[position(it)] = value(it);
    groups.set(key(it), g);
  }
  return Object.fromEntries([...groups].map(([k, v]) => [k, maxOverPositions(v)]));
}

export async function scoreOutput(output: MethodOutput, opts: ScoreOptions): Promise<Scores> {
  const k = opts.candidates ?? 20;
  const relevance: RelevanceScore[] = [];
  for (const r of output.readouts ?? []) {
    const candidates = r.tokens.slice(0, k);
    if (candidates.length === 0) continue;
    const labels = await opts.relevance.grade(opts.organism, candidates);
    const score: RelevanceScore = { source: r.source, variant: r.variant, layer: r.layer, position: r.position, candidates, labels, fraction: relevanceFraction(labels, k) };
    if (r.selectedTokens) {
      const selected = new Set(r.selectedTokens);
      const kept = labels.filter((_, i) => selected.has(candidates[i]));
      score.filteredFraction = kept.length ? kept.filter((l) => l === 'RELEVANT').length / kept.length : NaN;
    }
    relevance.push(score);
  }
  const steering: SteeringScore[] = [];
  const steeringSets = output.steering ?? [];
  if (steeringSets.length) {
    const ft = await embedTexts(opts.embedder, opts.finetuneTexts);
    const unrelated = await embedTexts(opts.embedder, opts.unrelatedTexts);
    const finetuneSelf = selfSimilarity(ft);
    for (const s of steeringSets) {
      const steered = await embedTexts(opts.embedder, s.steered.flat());
      const unsteered = await embedTexts(opts.embedder, s.unsteered.flat());
      const ci = (xs: Float32Array[], tag: string) => bootstrapCI(xs, (r) => centroidCosine(r, ft), { n: opts.bootstrap ?? 1000, seed: `${opts.seed}/${tag}` });
      if (!steered.length || !unsteered.length) throw new Error(`scoreOutput: steering ${s.variant} L${s.layer} P${s.position} has no non-empty samples`);
      steering.push({
        variant: s.variant, layer: s.layer, position: s.position, strength: s.strength,
        steeredVsFinetune: ci(steered, `st.${s.variant}.${s.layer}.${s.position}`),
        unsteeredVsFinetune: ci(unsteered, `ust.${s.variant}.${s.layer}.${s.position}`),
        steeredVsUnrelated: centroidCosine(steered, unrelated),
        finetuneSelf,
      });
    }
  }
  return {
    graders: { relevance: opts.relevance.grader, embedder: opts.embedder.grader },
    relevance,
    relevanceMax: maxBy(relevance, (r) => `${r.source}.${r.variant}.L${r.layer}`, (r) => r.fraction, (r) => r.position),
    steering,
    steeringMax: maxBy(steering, (s) => `${s.variant}.L${s.layer}`, (s) => s.steeredVsFinetune.estimate, (s) => s.position),
  };
}
