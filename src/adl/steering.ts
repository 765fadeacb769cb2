// Step 4 (docs/toolkit.md#steering): steer the finetuned model by adding s · unit(diff) · targetNorm to the residual
// after layer L at every position and step; find s with the batched look-ahead binary search against
// a coherence grader; then steered and unsteered samples per prompt.
import type { CoherenceGrader } from '../method/graders.ts';
import { coherencePercentage } from '../metrics/labels.ts';
import type { SamplingSettings } from '../runtime/generation-config.ts';
import type { LanguageModel } from '../runtime/types.ts';
import type { FinalGenerationConfig, ThresholdSearchConfig } from './config.ts';
import { sampleText, type SampleTextMode } from './sample-text.ts';
import { norm } from '../vector.ts';

export function steeringVector(diff: Float32Array, targetNorm: number): Float32Array {
  const n = norm(diff);
  if (!(n > 0)) throw new Error('steering: the difference vector has zero norm');
  return diff.map((x) => (x / n) * targetNorm);
}

/** The generation settings of one sample() call. */
export interface SampleSettings {
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
}

/** One row to sample: prompt ids, steering strength, and the seed of its own random stream. */
export interface SteerRow {
  prompt: number[];
  strength: number;
  seed: string;
}

/** Where steered samples come from: the finetuned model, its LoRA scale and the decoder. */
export interface SteeredModel {
  model: LanguageModel;
  loraScale?: number;
  decode: (ids: number[]) => string;
  /** How token ids become text (src/adl/sample-text.ts); default 'plain': the EOS is dropped. */
  text?: SampleTextMode;
}

/** Rows to steer with one vector (× each row's strength) added after `layer`. */
export interface SteerRequest {
  rows: SteerRow[];
  layer: number;
  vector: Float32Array;
}

/** The rows of several requests (vectors, layers) in one generate call; texts per request. */
export async function sampleSteered(
  m: SteeredModel,
  requests: SteerRequest[],
  gen: SampleSettings,
): Promise<{ texts: string[][]; sampling: SamplingSettings }> {
  const rows = requests.flatMap((r) => r.rows.map((row) => ({ row, r })));
  const H = m.model.info.hiddenSize;
  // one intervention per layer; a row adds its vector at its own layer only (zeros elsewhere)
  const perLayer = new Map<number, Float32Array>();
  rows.forEach(({ row, r }, i) => {
    if (row.strength === 0) return;
    let v = perLayer.get(r.layer);
    if (!v) perLayer.set(r.layer, (v = new Float32Array(rows.length * H)));
    v.set(
      r.vector.map((x) => x * row.strength),
      i * H,
    );
  });
  const out = await m.model.generate({
    prompts: rows.map((r) => r.row.prompt),
    rowSeeds: rows.map((r) => r.row.seed),
    maxNewTokens: gen.maxNewTokens,
    temperature: gen.temperature,
    ...(gen.topK !== undefined ? { topK: gen.topK } : {}),
    ...(gen.topP !== undefined ? { topP: gen.topP } : {}),
    steer: perLayer.size ? [...perLayer].map(([layer, vector]) => ({ layer, vector })) : undefined,
    loraScale: m.loraScale,
  });
  const decoder = { decode: m.decode, eosTokenIds: m.model.info.eosTokenIds };
  const texts = out.tokens.map((ids) => sampleText(ids, decoder, m.text));
  let at = 0;
  return { texts: requests.map((r) => texts.slice(at, (at += r.rows.length))), sampling: out.sampling };
}

/** A participant of a SampleBatch (src/adl/sample-batch.ts): its sample() calls may share a generate call with others. */
export interface BatchParticipant {
  sample(request: SteerRequest, gen: SampleSettings): Promise<{ texts: string[]; sampling: SamplingSettings }>;
}

export interface SteererOptions extends SteeredModel {
  layer: number;
  /** The unit-strength vector (unit(diff) × target norm). */
  vector: Float32Array;
  /** Generate together with other directions (lockstep batching); absent: one call per sample(). */
  batch?: BatchParticipant;
}

/** Samples from the finetuned model, each row with its own steering strength and random stream. */
export class Steerer {
  /** What the last sample() call used (the caller's temperature + the checkpoint's generation config). */
  sampling?: SamplingSettings;

  constructor(private readonly o: SteererOptions) {}

  /**
   * One text per row. A row's text depends only on its prompt, strength and seed (src/runtime: every row
   * draws from its own stream), so how rows are batched, alone or with other directions', never changes it.
   */
  async sample(rows: SteerRow[], gen: SampleSettings): Promise<string[]> {
    const request = { rows, layer: this.o.layer, vector: this.o.vector };
    const r = this.o.batch
      ? await this.o.batch.sample(request, gen)
      : await sampleSteered(this.o, [request], gen).then((x) => ({ texts: x.texts[0], sampling: x.sampling }));
    this.sampling = r.sampling;
    return r.texts;
  }
}

/**
 * Seeds of the search's samples: sample j of threshold prompt p draws from the same stream at every strength
 * and for every direction (common random numbers), so coherence changes with the strength, not with the
 * draw, and two directions are compared on the same draws. The calibration's unsteered samples are the
 * strength-0 point of the same streams.
 */
export const searchSeed = (seed: string, p: number, j: number) => `${seed}/threshold/${p}/${j}`;
/** Seeds of the final samples: steered and unsteered sample j of prompt p share a stream (St − USt is paired). */
export const finalSeed = (seed: string, p: number, j: number) => `${seed}/final/${p}/${j}`;

/** Midpoints of the next `levels` levels of the bracket [lo, hi], in breadth-first order (2^levels − 1). */
export function lookAheadMidpoints(lo: number, hi: number, levels: number): number[] {
  const out: number[] = [];
  let brackets: [number, number][] = [[lo, hi]];
  for (let l = 0; l < levels; l++) {
    const next: [number, number][] = [];
    for (const [a, b] of brackets) {
      const m = (a + b) / 2;
      out.push(m);
      next.push([a, m], [m, b]);
    }
    brackets = next;
  }
  return out;
}

export interface SearchTrace {
  /** Coherence percentage per evaluated strength. */
  evaluated: { strength: number; coherence: number }[];
  threshold: number;
}

/** One bracket's binary search: [low, high] halved `steps` times, passing at coherence ≥ coherenceThreshold. */
export interface BracketSearch {
  low: number;
  high: number;
  steps: number;
}

/**
 * Batched look-ahead binary searches in lockstep: each round evaluates, for every bracket still searching,
 * all midpoints of its next `batchSteps` levels in one `evaluate` call (strengths per bracket), then
 * replays each bracket's binary decisions (pass: coherence ≥ threshold moves the lower bound up and becomes
 * the best pass). Returns each bracket's best passing strength (0 when none passed).
 * With an `evaluate` whose result per strength does not depend on what else it is given (findSteeringThreshold's),
 * batchSteps and running brackets together change only how much is evaluated at once: batchSteps 1 evaluates
 * exactly the `steps` midpoints a binary search visits, b evaluates up to (2^b − 1)/b times as many in fewer rounds.
 */
async function binarySearchThresholds(
  brackets: BracketSearch[],
  opts: { batchSteps: number; coherenceThreshold: number; evaluate: (strengths: number[][]) => Promise<number[][]> },
): Promise<SearchTrace[]> {
  const state = brackets.map((b) => ({
    low: b.low,
    high: b.high,
    steps: b.steps,
    best: 0,
    done: 0,
    known: new Map<number, number>(),
  }));
  for (;;) {
    const active = state.filter((x) => x.done < x.steps);
    if (!active.length) break;
    const levels = active.map((x) => Math.min(opts.batchSteps, x.steps - x.done));
    const todo = active.map((x, i) => lookAheadMidpoints(x.low, x.high, levels[i]).filter((s) => !x.known.has(s)));
    const results = await opts.evaluate(todo);
    active.forEach((x, i) => {
      todo[i].forEach((strength, j) => x.known.set(strength, results[i][j]));
      for (let l = 0; l < levels[i]; l++) {
        const m = (x.low + x.high) / 2;
        if (x.known.get(m)! >= opts.coherenceThreshold) {
          x.low = m;
          x.best = m;
        } else x.high = m;
      }
      x.done += levels[i];
    });
  }
  return state.map((x) => ({
    evaluated: [...x.known].map(([strength, coherence]) => ({ strength, coherence })),
    threshold: x.best,
  }));
}

/** One bracket's search (binarySearchThresholds with one bracket). */
export async function binarySearchThreshold(
  opts: BracketSearch & {
    batchSteps: number;
    coherenceThreshold: number;
    evaluate: (strengths: number[]) => Promise<number[]>;
  },
): Promise<SearchTrace> {
  const [trace] = await binarySearchThresholds([opts], {
    ...opts,
    evaluate: async ([strengths]) => [await opts.evaluate(strengths)],
  });
  return trace;
}

export interface ThresholdResult {
  thresholds: number[];
  avgThreshold: number;
  traces: SearchTrace[];
  grader: { id: string; version: string };
  /** Sampling settings of the search's generations (absent when nothing was generated). */
  sampling?: SamplingSettings;
}

/**
 * The toolkit's threshold: prompt 1 searches [0, maxStrength] with `steps`; the others search
 * [0, 2·t1] with steps/2 (here in lockstep, their rounds sampled together); the strength used is the
 * average of the three.
 */
export async function findSteeringThreshold(
  steerer: Steerer,
  prompts: number[][],
  grader: CoherenceGrader,
  cfg: ThresholdSearchConfig,
  seed: string,
  progress?: (done: number, total: number) => void,
): Promise<ThresholdResult> {
  // evaluate: strengths per searched prompt -> coherence percentage per strength, all rows in one sample() call
  const evaluate = async (searched: number[], strengths: number[][]) => {
    const rows = searched.flatMap((p, i) =>
      strengths[i].flatMap((strength) =>
        Array.from({ length: cfg.samplesPerStrength }, (_, j) => ({
          prompt: prompts[p],
          strength,
          seed: searchSeed(seed, p, j),
        })),
      ),
    );
    const texts = await steerer.sample(rows, {
      maxNewTokens: cfg.maxNewTokens,
      temperature: cfg.temperature,
      topK: cfg.topK,
      topP: cfg.topP,
    });
    const nonEmpty = (xs: string[]) => xs.filter((t) => t.trim() !== '');
    // one strength after another: the model runs one forward at a time anyway, and the step profile
    // (src/results/step-timings.ts) then times each grading alone instead of overlapping windows
    const out: number[][] = [];
    let at = 0;
    for (const group of strengths) {
      const percentages: number[] = [];
      for (let i = 0; i < group.length; i++, at += cfg.samplesPerStrength) {
        percentages.push(
          coherencePercentage(await grader.grade(nonEmpty(texts.slice(at, at + cfg.samplesPerStrength)))),
        );
      }
      out.push(percentages);
    }
    return out;
  };
  const search = (searched: number[], high: number, steps: number) =>
    high > 0 && steps > 0
      ? binarySearchThresholds(
          searched.map(() => ({ low: 0, high, steps })),
          {
            batchSteps: cfg.batchSteps,
            coherenceThreshold: cfg.coherenceThreshold,
            evaluate: (s) => evaluate(searched, s),
          },
        )
      : Promise.resolve(searched.map((): SearchTrace => ({ evaluated: [], threshold: 0 })));
  // prompt 1 first; the others search [0, 2·t1] with steps/2, together (lockstep: one call per round for all)
  const traces = await search([0], cfg.maxStrength, cfg.steps);
  progress?.(1, prompts.length);
  const rest = prompts.map((_, p) => p).slice(1);
  if (rest.length) traces.push(...(await search(rest, 2 * traces[0].threshold, Math.floor(cfg.steps / 2))));
  progress?.(prompts.length, prompts.length);
  const thresholds = traces.map((t) => t.threshold);
  return {
    thresholds,
    avgThreshold: thresholds.reduce((s, x) => s + x, 0) / thresholds.length,
    traces,
    grader: grader.grader,
    ...(steerer.sampling ? { sampling: steerer.sampling } : {}),
  };
}

export interface Generations {
  strength: number;
  /** [prompt][sample] */
  steered: string[][];
  unsteered: string[][];
  sampling?: SamplingSettings;
}

/**
 * `samplesPerPrompt` samples per prompt at `strength` (0: unsteered), packed into batches of maxBatchSize;
 * sample j of prompt p draws from finalSeed(seed, p, j). Returns [prompt][sample].
 */
export async function finalSamples(
  steerer: Steerer,
  prompts: number[][],
  strength: number,
  cfg: FinalGenerationConfig,
  seed: string,
  progress?: (done: number, total: number) => void,
): Promise<string[][]> {
  const K = cfg.samplesPerPrompt;
  const rows = prompts.flatMap((prompt, p) =>
    Array.from({ length: K }, (_, j) => ({ prompt, strength, p, j, seed: finalSeed(seed, p, j) })),
  );
  const out = prompts.map(() => new Array<string>(K));
  for (let start = 0; start < rows.length; start += cfg.maxBatchSize) {
    const batch = rows.slice(start, start + cfg.maxBatchSize);
    const texts = await steerer.sample(batch, {
      maxNewTokens: cfg.maxNewTokens,
      temperature: cfg.temperature,
      topK: cfg.topK,
      topP: cfg.topP,
    });
    batch.forEach((r, i) => (out[r.p][r.j] = texts[i]));
    progress?.(Math.min(start + cfg.maxBatchSize, rows.length), rows.length);
  }
  return out;
}
