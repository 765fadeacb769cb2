// Scoring a method's output against one organism's ground truth, the same way for the method, its
// baselines and the null organism. Metric names:
//   relevance.<source>.<variant>           fraction of the top-20 tokens labelled RELEVANT, max over
//                                          positions 0-4 (and layers); CI: bootstrap over those 20 tokens
//   steering.<variant>.steered_ft          centroid cosine of steered samples vs finetuning texts (St-FT),
//   steering.<variant>.unsteered_ft        ... unsteered samples vs finetuning texts (USt-FT),
//   steering.<variant>.steered_unrelated   ... steered samples vs unrelated text,
//   steering.<variant>.steered_minus_unsteered_ft   paired over prompts;
//                                          all at the position with the highest St-FT; CI: bootstrap over prompts
//   steering.ft_ft                         finetuning-text self-similarity (the paper's FT-FT reference)
//   scalar.<name>                          the method's own scalars (no CI)
import type { OrganismContext, TextEmbedder, TokenRelevanceGrader } from '../method/graders.ts';
import { bootstrapCI, pairedBootstrapCI, relevanceFraction, selfSimilarity } from '../metrics/index.ts';
import type { MethodOutput, SteeringSamples, TokenReadout } from '../method/types.ts';
import type { MetricValue, Metrics } from '../results/types.ts';

export interface ScoringContext {
  organism: OrganismContext;
  relevance: TokenRelevanceGrader;
  embedder: TextEmbedder;
  /** Texts of the organism's finetuning data ([] when none: steering-vs-data metrics are left out). */
  finetuneTexts: string[];
  unrelatedTexts: string[];
  seed: string;
  bootstrap: number;
  /** Positions whose readouts count (the paper: 0-4). */
  positions?: number[];
  topK?: number;
}

const ALPHA = 0.05;

function noCI(estimate: number, over?: string): MetricValue {
  return { estimate, lower: estimate, upper: estimate, n: 1, alpha: ALPHA, ci: 'none', ...(over ? { over } : {}) };
}

function fromCI(ci: { estimate: number; lower: number; upper: number; n: number; alpha: number }, n: number, kind: MetricValue['ci'], over: string): MetricValue {
  return { estimate: ci.estimate, lower: ci.lower, upper: ci.upper, n, alpha: ci.alpha, ci: kind, over };
}

function unit(v: Float32Array): Float64Array | undefined {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return undefined;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

function centroid(vectors: Float64Array[]): Float64Array {
  const c = new Float64Array(vectors[0].length);
  for (const v of vectors) for (let k = 0; k < c.length; k++) c[k] += v[k] / vectors.length;
  return c;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

async function scoreReadouts(readouts: TokenReadout[], ctx: ScoringContext, metrics: Metrics): Promise<void> {
  const positions = new Set(ctx.positions ?? [0, 1, 2, 3, 4]);
  const topK = ctx.topK ?? 20;
  const groups = new Map<string, TokenReadout[]>();
  for (const r of readouts) {
    if (!positions.has(r.position) || r.tokens.length === 0) continue;
    const key = `${r.source}.${r.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    let best: { fraction: number; labels: boolean[]; readout: TokenReadout } | undefined;
    for (const readout of group) {
      const candidates = readout.tokens.slice(0, topK);
      const labels = await ctx.relevance.grade(ctx.organism, candidates);
      const fraction = relevanceFraction(labels, topK);
      if (!best || fraction > best.fraction) best = { fraction, labels: labels.map((l) => l === 'RELEVANT'), readout };
    }
    if (!best) continue;
    const ci = bootstrapCI(best.labels, (xs) => xs.filter(Boolean).length / xs.length, { n: ctx.bootstrap, seed: `${ctx.seed}|${key}` });
    metrics[`relevance.${key}`] = fromCI({ ...ci, estimate: best.fraction }, best.labels.length, 'bootstrap', `top-${best.labels.length} tokens at layer ${best.readout.layer} position ${best.readout.position}`);
  }
}

interface PromptEmbeddings {
  steered: Float64Array[][];
  unsteered: Float64Array[][];
}

async function embedByPrompt(embedder: TextEmbedder, samples: string[][]): Promise<Float64Array[][]> {
  const flat = samples.flat();
  const vectors = flat.length > 0 ? await embedder.embed(flat) : [];
  let i = 0;
  // Empty or symbol-only samples embed to zero and are dropped, as the toolkit drops empty texts.
  return samples.map((row) => row.map(() => unit(vectors[i++])).filter((v): v is Float64Array => v !== undefined));
}

/** mean over the prompts' samples of <â, c> (= centroid cosine with the group whose unit centroid is c). */
function similarity(rows: Float64Array[][], c: Float64Array): number {
  return meanOfRows(rows.map((row) => row.map((v) => dot(v, c))));
}

/** Mean of per-sample values [prompt][sample]; bootstrap resamples of prompts reuse the dot products. */
function meanOfRows(rows: number[][]): number {
  let sum = 0;
  let count = 0;
  for (const row of rows) for (const x of row) {
    sum += x;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

const dotsTo = (rows: Float64Array[][], c: Float64Array) => rows.map((row) => row.map((v) => dot(v, c)));

/** Unit embeddings of the texts that have any (empty or symbol-only texts embed to zero and are dropped). */
export async function embedTexts(embedder: TextEmbedder, texts: string[]): Promise<Float64Array[]> {
  return (await embedByPrompt(embedder, [texts]))[0];
}

async function scoreSteering(steering: SteeringSamples[], ctx: ScoringContext, metrics: Metrics): Promise<void> {
  if (ctx.finetuneTexts.length === 0) return;
  const embed = (texts: string[]) => embedTexts(ctx.embedder, texts);
  const ft = await embed(ctx.finetuneTexts);
  const unrelated = ctx.unrelatedTexts.length > 0 ? await embed(ctx.unrelatedTexts) : [];
  if (ft.length === 0) return;
  const cFt = centroid(ft);
  const cUnrelated = unrelated.length > 0 ? centroid(unrelated) : undefined;
  metrics['steering.ft_ft'] = noCI(selfSimilarity(ft), `${ft.length} finetuning texts`);

  const byVariant = new Map<string, SteeringSamples[]>();
  for (const s of steering) byVariant.set(s.variant, [...(byVariant.get(s.variant) ?? []), s]);
  for (const [variant, entries] of byVariant) {
    let best: { st: number; emb: PromptEmbeddings; entry: SteeringSamples } | undefined;
    for (const entry of entries) {
      const emb = { steered: await embedByPrompt(ctx.embedder, entry.steered), unsteered: await embedByPrompt(ctx.embedder, entry.unsteered) };
      const st = similarity(emb.steered, cFt);
      if (Number.isFinite(st) && (!best || st > best.st)) best = { st, emb, entry };
    }
    if (!best) continue;
    const { emb, entry } = best;
    const prompts = emb.steered.map((_, i) => i).filter((i) => emb.steered[i].length > 0);
    const over = `${prompts.length} prompts at layer ${entry.layer} position ${entry.position}`;
    const seed = `${ctx.seed}|steering.${variant}`;
    const opts = { n: ctx.bootstrap, seed };
    const of = (rows: Float64Array[][], c: Float64Array) => {
      const dots = dotsTo(rows, c);
      return (idx: number[]) => meanOfRows(idx.map((i) => dots[i]));
    };
    metrics[`steering.${variant}.steered_ft`] = fromCI(bootstrapCI(prompts, of(emb.steered, cFt), opts), prompts.length, 'bootstrap', over);
    const paired = prompts.filter((i) => emb.unsteered[i]?.length > 0);
    if (paired.length > 0) {
      metrics[`steering.${variant}.unsteered_ft`] = fromCI(bootstrapCI(paired, of(emb.unsteered, cFt), opts), paired.length, 'bootstrap', over);
      const diff = pairedBootstrapCI(
        paired,
        paired,
        of(emb.steered, cFt),
        of(emb.unsteered, cFt),
        opts,
      );
      metrics[`steering.${variant}.steered_minus_unsteered_ft`] = fromCI(diff, paired.length, 'paired-bootstrap', over);
    }
    if (cUnrelated) metrics[`steering.${variant}.steered_unrelated`] = fromCI(bootstrapCI(prompts, of(emb.steered, cUnrelated), opts), prompts.length, 'bootstrap', over);
  }
}

export async function scoreOutput(output: MethodOutput, ctx: ScoringContext): Promise<Metrics> {
  const metrics: Metrics = {};
  if (output.readouts?.length) await scoreReadouts(output.readouts, ctx, metrics);
  if (output.steering?.length) await scoreSteering(output.steering, ctx, metrics);
  for (const [name, value] of Object.entries(output.scalars ?? {})) {
    if (Number.isFinite(value)) metrics[`scalar.${name}`] = noCI(value);
  }
  return metrics;
}

/** Checks that a method's output has the documented shape; the error names the method and field. */
export function assertMethodOutput(output: unknown, methodId: string): asserts output is MethodOutput {
  const o = output as MethodOutput | undefined;
  const fail = (what: string) => {
    throw new Error(`method '${methodId}' returned an invalid output: ${what} (see MethodOutput in src/method/types.ts)`);
  };
  if (!o || typeof o !== 'object') fail('run() must resolve to an object');
  const fields = ['readouts', 'steering', 'vectors', 'findings', 'scalars'] as const;
  if (!fields.some((f) => o![f] !== undefined)) fail(`none of ${fields.join(', ')} is set`);
  o!.readouts?.forEach((r, i) => {
    if (!Array.isArray(r.tokens) || r.tokens.some((t) => typeof t !== 'string')) fail(`readouts[${i}].tokens must be an array of strings`);
    if (!Number.isInteger(r.position) || !Number.isInteger(r.layer)) fail(`readouts[${i}] needs integer layer and position`);
    if (typeof r.source !== 'string' || typeof r.variant !== 'string') fail(`readouts[${i}] needs string source and variant`);
  });
  o!.steering?.forEach((s, i) => {
    if (!Array.isArray(s.steered) || !Array.isArray(s.unsteered)) fail(`steering[${i}] needs steered and unsteered sample arrays`);
    if (s.steered.some((row) => !Array.isArray(row))) fail(`steering[${i}].steered[j] must be arrays of samples (one per prompt)`);
  });
  for (const [k, v] of Object.entries(o!.scalars ?? {})) if (typeof v !== 'number') fail(`scalars.${k} must be a number`);
  if (o!.findings && o!.findings.some((f) => typeof f !== 'string')) fail('findings must be strings');
}
