// The steering strength of the protocol's controls, chosen with the ground truth. ADL's coherence search
// settles at the edge of coherence, and on the zoo the ground truth's own direction brings the finetuned
// model's text closest to its finetuning data well below that edge (README "How scores are computed":
// the strength sweep). The positive control stands for the best a method that knows the ground truth can
// do, and the negative control steers its random direction by the same rule, so the two differ only in
// the direction: of a fixed grid of strengths (× the target norm; never 0: they must steer), the one whose
// selection samples are closest to the finetuning data, among the strengths whose selection samples the
// coherence grader passes at ADL's own search bar (none pass: the smallest). The selection samples are
// the final prompts drawn from other random streams than the scored samples, so the choice cannot pick
// the scored draws' luck.
import type { FinalGenerationConfig } from '../src/adl/config.ts';
import { finalSamples, type Steerer } from '../src/adl/steering.ts';
import type { CoherenceGrader, TextEmbedder } from '../src/method/graders.ts';
import { coherencePercentage } from '../src/metrics/labels.ts';
import { dot, unit } from '../src/vector.ts';

/**
 * Strengths tried, × the target norm. On the zoo the ground truth's gain peaks at 0.125-0.75 and 1.5-2 were
 * never chosen (8-strength grid, 19 organisms), while ADL's coherence edge lies at 0.25-2.25.
 */
export const CONTROL_STRENGTHS = [0.125, 0.25, 0.375, 0.5, 0.75, 1];

export interface StrengthTrial {
  strength: number;
  /** Mean cosine of the selection samples' embeddings with the finetuning texts' centroid (St-FT). */
  similarity: number;
  /** Percentage of the selection samples the coherence grader calls COHERENT. */
  coherence: number;
}

export interface StrengthChoice {
  strength: number;
  trials: StrengthTrial[];
}

/** Mean of the texts' unit embeddings (texts that embed to zero are dropped); undefined when none embeds. */
export async function embeddingCentroid(embedder: TextEmbedder, texts: string[]): Promise<Float64Array | undefined> {
  const units = (await embedder.embed(texts)).map(unit).filter((v): v is Float64Array => v !== undefined);
  if (units.length === 0) return undefined;
  const c = new Float64Array(units[0].length);
  for (const v of units) for (let k = 0; k < c.length; k++) c[k] += v[k] / units.length;
  return c;
}

/** The trial that wins: the highest similarity among the coherent ones (ties: the smaller strength), else the smallest strength. */
export function chosenStrength(trials: StrengthTrial[], minCoherence: number): number {
  if (trials.length === 0) throw new Error('chosenStrength: no strengths were tried');
  const byStrength = [...trials].sort((a, b) => a.strength - b.strength);
  const coherent = byStrength.filter((t) => t.coherence >= minCoherence && Number.isFinite(t.similarity));
  if (coherent.length === 0) return byStrength[0].strength;
  return coherent.reduce((best, t) => (t.similarity > best.similarity ? t : best)).strength;
}

export interface StrengthSearch {
  steerer: Steerer;
  /** The final prompts, encoded. */
  prompts: number[][];
  final: FinalGenerationConfig;
  /** Seed of the selection draws: not the scored samples' seed. */
  seed: string;
  /** Centroid of the finetuning texts' unit embeddings (embeddingCentroid). */
  finetuning: Float64Array;
  embedder: TextEmbedder;
  coherence: CoherenceGrader;
  /** Percentage a strength's selection samples need to pass (ADL's search bar). */
  minCoherence: number;
  strengths?: number[];
}

export async function chooseStrength(o: StrengthSearch): Promise<StrengthChoice> {
  const trials: StrengthTrial[] = [];
  for (const strength of o.strengths ?? CONTROL_STRENGTHS) {
    if (!(strength > 0)) throw new Error(`chooseStrength: strengths must be > 0 (got ${strength})`);
    // sample j of prompt p draws from the same stream at every strength (common random numbers)
    const rows = await finalSamples(o.steerer, o.prompts, strength, o.final, o.seed);
    const texts = rows.flat().filter((t) => t.trim() !== '');
    const units = (await o.embedder.embed(texts)).map(unit).filter((v): v is Float64Array => v !== undefined);
    const similarity = units.length ? units.reduce((s, v) => s + dot(v, o.finetuning), 0) / units.length : NaN;
    const labels = (await Promise.all(rows.map((row) => o.coherence.grade(row.filter((t) => t.trim() !== ''))))).flat();
    trials.push({ strength, similarity, coherence: coherencePercentage(labels) });
  }
  return { strength: chosenStrength(trials, o.minCoherence), trials };
}

/** The selection draws' seed: their streams (finalSeed of it) are never the scored samples' (finalSeed of `seed`). */
export const selectionSeed = (seed: string) => `${seed}/control-strength`;
