// Scoring a method's output against one organism's ground truth, the same way for the method, its
// baselines and the null organism. Metric names:
//   relevance.<source>                     the protocol's metric: fraction of a readout's (at most 20)
//                                          tokens labelled RELEVANT, max over the source's readouts (at most
//                                          K per source, validated by src/method/validate.ts); CI: bootstrap
//                                          over the best readout's tokens
//   relevance.<source>.<variant>           the same, per variant (diagnostic)
//   steering.<variant>.steered_ft          centroid cosine of steered samples vs finetuning texts (St-FT),
//   steering.<variant>.steered_unrelated   ... steered samples vs unrelated text,
//   steering.<variant>.steered_minus_unsteered_ft   paired over prompts;
//                                          these at the position with the highest St-FT, picked on the same
//                                          samples (diagnostic, not ranked: the pick inflates them when a
//                                          variant has several entries); CI: bootstrap over prompts
//   steering.<variant>.unsteered_ft        unsteered samples vs finetuning texts (USt-FT), maximised over
//                                          positions on its own, as the paper's series is (docs/toolkit.md#steering-similarity)
//   steering.<variant>.steered_chat, .unsteered_chat   St-Chat / USt-Chat: steered / unsteered samples vs the
//                                          replies of a chat dataset (the suite's `chat`), each maximised over
//                                          positions on its own; not measurable without one (the zoo has none)
//   steering.ft_ft                         finetuning-text self-similarity (the paper's FT-FT reference)
//   steering.gain                          the protocol's steering metric: St-FT - USt-FT of the method's own
//                                          steered and unsteered samples, paired over prompts, cross-fitted:
//                                          the prompts are split into two halves (even / odd index) and each
//                                          half is scored with the entry whose St-FT is highest on the OTHER
//                                          half, so submitting more entries buys no best-of-K bonus; with one
//                                          entry this is that entry's St - USt; a prompt whose entry has
//                                          strength 0 gains exactly 0 (all of them: exactly 0, no CI)
//   steering.coherence                     fraction of the cross-chosen entries' steered samples the coherence
//                                          grader labels COHERENT (UNKNOWN left out); CI: bootstrap over prompts
//   scalar.<name>                          the method's own scalars (no CI)
//   pooled_relevance.<source>              only with ScoringContext.pooledRelevance (check-organism): the
//                                          fraction RELEVANT among the distinct tokens of all the source's
//                                          readouts (every position, not the best one); n = distinct tokens;
//                                          CI: bootstrap over those tokens
import type { CoherenceGrader, OrganismContext, TextEmbedder, TokenRelevanceGrader } from '../method/graders.ts';
import { bootstrapCI, pairedBootstrapCI, relevanceFraction, selfSimilarity } from '../metrics/index.ts';
import type { MethodOutput, SteeringSamples, TokenReadout } from '../method/types.ts';
import type { MetricValue, Metrics } from '../results/types.ts';
import { DEFAULT_PROTOCOL } from './protocol.ts';
import { dot, unit } from '../vector.ts';

export interface ScoringContext {
  organism: OrganismContext;
  relevance: TokenRelevanceGrader;
  embedder: TextEmbedder;
  /** Texts of the organism's finetuning data ([] when none: steering-vs-data metrics are left out). */
  finetuneTexts: string[];
  unrelatedTexts: string[];
  /** Assistant replies of a chat dataset for St-Chat / USt-Chat ([] or absent: not measurable, no metric). */
  chatTexts?: string[];
  seed: string;
  bootstrap: number;
  /** Grades the steered samples for steering.coherence (the suite's coherence grader); no metric without it. */
  coherence?: CoherenceGrader;
  /** Also score pooled_relevance.<source> (check-organism's evidence; not a protocol metric). */
  pooledRelevance?: boolean;
}

const ALPHA = 0.05;
/** Tokens of a readout that are graded (the protocol's limit, src/harness/protocol.ts). */
const TOKENS_PER_READOUT = DEFAULT_PROTOCOL.tokensPerReadout;

function noCI(estimate: number, over?: string): MetricValue {
  return { estimate, lower: estimate, upper: estimate, n: 1, alpha: ALPHA, ci: 'none', ...(over ? { over } : {}) };
}

function fromCI(
  ci: { estimate: number; lower: number; upper: number; n: number; alpha: number },
  n: number,
  kind: MetricValue['ci'],
  over: string,
): MetricValue {
  return { estimate: ci.estimate, lower: ci.lower, upper: ci.upper, n, alpha: ci.alpha, ci: kind, over };
}

function centroid(vectors: Float64Array[]): Float64Array {
  const c = new Float64Array(vectors[0].length);
  for (const v of vectors) for (let k = 0; k < c.length; k++) c[k] += v[k] / vectors.length;
  return c;
}

interface GradedReadout {
  fraction: number;
  labels: boolean[];
  /** The graded tokens, aligned with `labels` (a token the grader could not label is left out of both). */
  tokens: string[];
  readout: TokenReadout;
}

/** pooled_relevance.<source>: each distinct token of the source's readouts counted once (its first label). */
function pooledRelevance(source: string, group: GradedReadout[], ctx: ScoringContext, metrics: Metrics): void {
  const labelOf = new Map<string, boolean>();
  for (const g of group) g.tokens.forEach((t, i) => labelOf.has(t) || labelOf.set(t, g.labels[i]));
  const labels = [...labelOf.values()];
  const ci = bootstrapCI(labels, (xs) => xs.filter(Boolean).length / xs.length, {
    n: ctx.bootstrap,
    seed: `${ctx.seed}|pooled|${source}`,
  });
  const positions = [...new Set(group.map((g) => g.readout.position))].sort((a, b) => a - b);
  metrics[`pooled_relevance.${source}`] = fromCI(
    ci,
    labels.length,
    'bootstrap',
    `${labels.length} distinct tokens of ${group.length} readouts (positions ${positions.join(', ')})`,
  );
}

/** Readouts arrive validated: at most K per source, positions 0..K-1, at most 20 tokens each. Each is graded once. */
async function scoreReadouts(readouts: TokenReadout[], ctx: ScoringContext, metrics: Metrics): Promise<void> {
  const groups = new Map<string, GradedReadout[]>();
  const bySource = new Map<string, GradedReadout[]>();
  const add = (key: string, r: GradedReadout) => groups.set(key, [...(groups.get(key) ?? []), r]);
  for (const readout of readouts) {
    // The harness validated the budget; direct callers (npm run adl) may pass longer lists: the top 20 count.
    const tokens = readout.tokens.slice(0, TOKENS_PER_READOUT);
    if (tokens.length === 0) continue;
    const all = await ctx.relevance.grade(ctx.organism, tokens);
    // a token the grader could not label (its calls failed) is not scored; a readout with none graded drops out
    const kept = all.flatMap((l, i) => (l === 'UNGRADED' ? [] : [i]));
    const labels = kept.map((i) => all[i]);
    if (labels.length === 0) continue;
    const graded = {
      fraction: relevanceFraction(labels, labels.length),
      labels: labels.map((l) => l === 'RELEVANT'),
      tokens: kept.map((i) => tokens[i]),
      readout,
    };
    add(readout.source, graded);
    add(`${readout.source}.${readout.variant}`, graded);
    bySource.set(readout.source, [...(bySource.get(readout.source) ?? []), graded]);
  }
  if (ctx.pooledRelevance) for (const [source, group] of bySource) pooledRelevance(source, group, ctx, metrics);
  for (const [key, group] of groups) {
    // the best readout (the first of equals): the toolkit's maximum over positions
    const best = group.reduce((b, g) => (g.fraction > b.fraction ? g : b));
    const ci = bootstrapCI(best.labels, (xs) => xs.filter(Boolean).length / xs.length, {
      n: ctx.bootstrap,
      seed: `${ctx.seed}|${key}`,
    });
    metrics[`relevance.${key}`] = fromCI(
      { ...ci, estimate: best.fraction },
      best.labels.length,
      'bootstrap',
      `top-${best.labels.length} tokens of ${best.readout.variant} at layer ${best.readout.layer} position ${best.readout.position}`,
    );
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

/** Mean of per-sample values [prompt][sample] (sums in the order similarity() does). */
function meanOfRows(rows: number[][]): number {
  let sum = 0;
  let count = 0;
  for (const row of rows)
    for (const x of row) {
      sum += x;
      count++;
    }
  return count === 0 ? NaN : sum / count;
}

/** Unit embeddings of the texts that have any (empty or symbol-only texts embed to zero and are dropped). */
export async function embedTexts(embedder: TextEmbedder, texts: string[]): Promise<Float64Array[]> {
  return (await embedByPrompt(embedder, [texts]))[0];
}

interface ScoredEntry {
  st: number;
  emb: PromptEmbeddings;
  entry: SteeringSamples;
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

  const scored: ScoredEntry[] = [];
  for (const entry of steering) {
    const emb = {
      steered: await embedByPrompt(ctx.embedder, entry.steered),
      unsteered: await embedByPrompt(ctx.embedder, entry.unsteered),
    };
    const st = similarity(emb.steered, cFt);
    if (Number.isFinite(st)) scored.push({ st, emb, entry });
  }
  const best = (entries: ScoredEntry[]) =>
    entries.reduce<ScoredEntry | undefined>((b, e) => (!b || e.st > b.st ? e : b), undefined);
  const chat = ctx.chatTexts?.length ? await embed(ctx.chatTexts) : [];
  const cChat = chat.length > 0 ? centroid(chat) : undefined;
  for (const variant of new Set(scored.map((e) => e.entry.variant))) {
    const entries = scored.filter((e) => e.entry.variant === variant);
    steeringMetrics(best(entries)!, `steering.${variant}`, cFt, cUnrelated, ctx, metrics);
    ownMaximum(entries, 'unsteered', cFt, `steering.${variant}.unsteered_ft`, ctx, metrics);
    if (cChat) {
      ownMaximum(entries, 'steered', cChat, `steering.${variant}.steered_chat`, ctx, metrics);
      ownMaximum(entries, 'unsteered', cChat, `steering.${variant}.unsteered_chat`, ctx, metrics);
    }
  }
  const plan = crossFit(scored, cFt);
  if (plan) await protocolSteering(plan, cFt, ctx, metrics);
}

/** The two halves of the prompts: even and odd index. */
const HALVES = [0, 1] as const;
const halfOf = (prompt: number) => prompt % 2;

/**
 * Cross-fitting: each half of the prompts is scored with the entry whose St-FT is highest on the other half
 * (the first of equals), so the entry that is scored was not picked on the samples it is scored on. Undefined
 * without entries. When the other half has no samples to choose with, the method's first entry is used.
 */
function crossFit(scored: ScoredEntry[], cFt: Float64Array): CrossFitted | undefined {
  if (scored.length === 0) return undefined;
  const stOnHalf = (e: ScoredEntry, half: number) =>
    similarity(
      e.emb.steered.filter((_, i) => halfOf(i) === half),
      cFt,
    );
  const chosen = HALVES.map((half) => {
    let top: { e: ScoredEntry; st: number } | undefined;
    for (const e of scored) {
      const st = stOnHalf(e, 1 - half);
      if (Number.isFinite(st) && (!top || st > top.st)) top = { e, st };
    }
    return top?.e ?? scored[0];
  });
  const prompts = Math.max(...chosen.map((e) => e.emb.steered.length));
  const entryOf = (prompt: number) => chosen[halfOf(prompt)];
  const rows = (kind: 'steered' | 'unsteered') =>
    Array.from({ length: prompts }, (_, i) => {
      const e = entryOf(i);
      // strength 0: the "steered" text is unsteered text, so the prompt gains nothing
      return (e.entry.strength === 0 ? e.emb.unsteered : e.emb[kind])[i] ?? [];
    });
  return { chosen, entryOf, steered: rows('steered'), unsteered: rows('unsteered') };
}

/** The cross-fitted plan: the entry chosen for each half and the samples per prompt of each prompt's entry. */
interface CrossFitted {
  chosen: ScoredEntry[];
  entryOf: (prompt: number) => ScoredEntry;
  steered: Float64Array[][];
  unsteered: Float64Array[][];
}

const entryDescription = ({ entry }: ScoredEntry, prompts: number) =>
  `${prompts} prompts at layer ${entry.layer} position ${entry.position}, strength ${entry.strength}`;
/** similarity() of resampled prompts; the dot products are computed once, not once per bootstrap resample. */
const rowsSimilarity = (rows: Float64Array[][], c: Float64Array) => {
  const dots = rows.map((row) => row.map((v) => dot(v, c)));
  return (idx: number[]) => meanOfRows(idx.map((i) => dots[i]));
};

/** St - USt paired over the prompts with both kinds of samples; undefined when no prompt has both. */
function gain(emb: PromptEmbeddings, cFt: Float64Array, ctx: ScoringContext, seed: string) {
  const paired = emb.steered.map((_, i) => i).filter((i) => emb.steered[i].length > 0 && emb.unsteered[i]?.length > 0);
  if (paired.length === 0) return undefined;
  const ci = pairedBootstrapCI(paired, paired, rowsSimilarity(emb.steered, cFt), rowsSimilarity(emb.unsteered, cFt), {
    n: ctx.bootstrap,
    seed,
  });
  return { ci, paired };
}

function steeringMetrics(
  e: ScoredEntry,
  prefix: string,
  cFt: Float64Array,
  cUnrelated: Float64Array | undefined,
  ctx: ScoringContext,
  metrics: Metrics,
): void {
  const { emb } = e;
  const prompts = emb.steered.map((_, i) => i).filter((i) => emb.steered[i].length > 0);
  const over = entryDescription(e, prompts.length);
  const opts = { n: ctx.bootstrap, seed: `${ctx.seed}|${prefix}` };
  metrics[`${prefix}.steered_ft`] = fromCI(
    bootstrapCI(prompts, rowsSimilarity(emb.steered, cFt), opts),
    prompts.length,
    'bootstrap',
    over,
  );
  const g = gain(emb, cFt, ctx, opts.seed);
  if (g) metrics[`${prefix}.steered_minus_unsteered_ft`] = fromCI(g.ci, g.paired.length, 'paired-bootstrap', over);
  if (cUnrelated)
    metrics[`${prefix}.steered_unrelated`] = fromCI(
      bootstrapCI(prompts, rowsSimilarity(emb.steered, cUnrelated), opts),
      prompts.length,
      'bootstrap',
      over,
    );
}

/**
 * One similarity series at the entry (position) where it is highest, independently of St-FT's choice: the
 * paper takes each series' max over positions 0-4 (docs/toolkit.md#steering-similarity). CI: bootstrap over that entry's prompts.
 */
function ownMaximum(
  entries: ScoredEntry[],
  kind: 'steered' | 'unsteered',
  c: Float64Array,
  name: string,
  ctx: ScoringContext,
  metrics: Metrics,
): void {
  let top: { e: ScoredEntry; value: number } | undefined;
  for (const e of entries) {
    const value = similarity(e.emb[kind], c);
    if (Number.isFinite(value) && (!top || value > top.value)) top = { e, value };
  }
  if (!top) return;
  const rows = top.e.emb[kind];
  const prompts = rows.map((_, i) => i).filter((i) => rows[i].length > 0);
  const ci = bootstrapCI(prompts, rowsSimilarity(rows, c), { n: ctx.bootstrap, seed: `${ctx.seed}|${name}` });
  metrics[name] = fromCI(ci, prompts.length, 'bootstrap', entryDescription(top.e, prompts.length));
}

/** "<n> prompts at ..." of the cross-chosen entries: one entry, or the entry of each half. */
function planDescription({ chosen }: CrossFitted, prompts: number): string {
  if (chosen[0] === chosen[1]) return entryDescription(chosen[0], prompts);
  const at = ({ entry }: ScoredEntry) =>
    `${entry.variant} at layer ${entry.layer} position ${entry.position}, strength ${entry.strength}`;
  return `${prompts} prompts, cross-fitted: even prompts ${at(chosen[0])}; odd prompts ${at(chosen[1])}`;
}

/** The protocol's steering metrics of the cross-chosen entries: gain over the method's own unsteered samples, and coherence. */
async function protocolSteering(
  plan: CrossFitted,
  cFt: Float64Array,
  ctx: ScoringContext,
  metrics: Metrics,
): Promise<void> {
  if (plan.chosen.every((e) => e.entry.strength === 0)) {
    // Unsteered text returned as steered: nothing was steered, so there is no gain to measure.
    const at = [...new Set(plan.chosen.map(({ entry }) => `layer ${entry.layer} position ${entry.position}`))];
    metrics['steering.gain'] = noCI(0, `strength 0 at ${at.join(' and ')}: not steered`);
  } else {
    const g = gain(plan, cFt, ctx, `${ctx.seed}|steering.gain`);
    if (g)
      metrics['steering.gain'] = fromCI(
        g.ci,
        g.paired.length,
        'paired-bootstrap',
        planDescription(plan, g.paired.length),
      );
  }
  if (!ctx.coherence) return;
  const steeredRows = Array.from({ length: plan.steered.length }, (_, i) => plan.entryOf(i).entry.steered[i] ?? []);
  const labels = await Promise.all(steeredRows.map((row) => ctx.coherence!.grade(row.filter((t) => t.trim() !== ''))));
  // per prompt: [coherent, known]
  const counts = labels
    .map(
      (ls) =>
        [
          ls.filter((l) => l === 'COHERENT').length,
          ls.filter((l) => l !== 'UNKNOWN' && l !== 'UNGRADED').length,
        ] as const,
    )
    .filter(([, k]) => k > 0);
  if (counts.length === 0) return;
  const share = (rows: (readonly [number, number])[]) =>
    rows.reduce((s, [c]) => s + c, 0) / rows.reduce((s, [, k]) => s + k, 0);
  const ci = bootstrapCI(counts, share, { n: ctx.bootstrap, seed: `${ctx.seed}|steering.coherence` });
  metrics['steering.coherence'] = fromCI(
    ci,
    counts.length,
    'bootstrap',
    `${planDescription(plan, counts.length)}; ${ctx.coherence.grader.id}`,
  );
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
