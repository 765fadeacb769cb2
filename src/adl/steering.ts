// Step 4 (spec §4): steer the finetuned model by adding s · unit(diff) · targetNorm to the residual
// after layer L at every position and step; find s with the batched look-ahead binary search against
// a coherence grader; then steered and unsteered samples per prompt.
import type { CoherenceGrader } from '../method/graders.ts';
import { coherencePercentage } from '../metrics/labels.ts';
import type { SamplingSettings } from '../runtime/generation-config.ts';
import type { LanguageModel } from '../runtime/types.ts';
import type { FinalGenerationConfig, ThresholdSearchConfig } from './config.ts';

export function steeringVector(diff: Float32Array, targetNorm: number): Float32Array {
  const n = Math.sqrt(diff.reduce((s, x) => s + x * x, 0));
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
}

/** Rows to steer with one vector (× each row's strength) added after `layer`. */
export interface SteerRequest {
  rows: SteerRow[];
  layer: number;
  vector: Float32Array;
}

/** The rows of several requests (vectors, layers) in one generate call; texts per request. */
export async function sampleSteered(m: SteeredModel, requests: SteerRequest[], gen: SampleSettings): Promise<{ texts: string[][]; sampling: SamplingSettings }> {
  const rows = requests.flatMap((r) => r.rows.map((row) => ({ row, r })));
  const H = m.model.info.hiddenSize;
  // one intervention per layer; a row adds its vector at its own layer only (zeros elsewhere)
  const perLayer = new Map<number, Float32Array>();
  rows.forEach(({ row, r }, i) => {
    if (row.strength === 0) return;
    let v = perLayer.get(r.layer);
    if (!v) perLayer.set(r.layer, (v = new Float32Array(rows.length * H)));
    v.set(r.vector.map((x) => x * row.strength), i * H);
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
  const eos = new Set(m.model.info.eosTokenIds);
  // Generation stops at EOS; drop it (and any run of it) before decoding.
  const texts = out.tokens.map((ids) => {
    const kept = ids.filter((t) => !eos.has(t));
    return kept.length ? m.decode(kept) : '';
  });
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

/**
 * Batched look-ahead binary search: each round evaluates all midpoints of the next `batchSteps`
 * levels at once, then replays the binary decisions (pass: coherence ≥ threshold moves the lower
 * bound up and becomes the best pass). Returns the best passing strength (0 when none passed).
 * With an `evaluate` whose result per strength does not depend on the other strengths of its call
 * (findSteeringThreshold's), batchSteps changes only how much is evaluated at once: 1 evaluates exactly
 * the `steps` midpoints a binary search visits, b evaluates up to (2^b − 1)/b times as many in fewer rounds.
 */
export async function binarySearchThreshold(opts: {
  low: number;
  high: number;
  steps: number;
  batchSteps: number;
  coherenceThreshold: number;
  evaluate: (strengths: number[]) => Promise<number[]>;
}): Promise<SearchTrace> {
  let { low, high } = opts;
  let best = 0;
  const known = new Map<number, number>();
  let done = 0;
  while (done < opts.steps) {
    const levels = Math.min(opts.batchSteps, opts.steps - done);
    const todo = lookAheadMidpoints(low, high, levels).filter((s) => !known.has(s));
    if (todo.length) (await opts.evaluate(todo)).forEach((c, i) => known.set(todo[i], c));
    for (let l = 0; l < levels; l++) {
      const m = (low + high) / 2;
      if (known.get(m)! >= opts.coherenceThreshold) {
        low = m;
        best = m;
      } else high = m;
    }
    done += levels;
  }
  return { evaluated: [...known].map(([strength, coherence]) => ({ strength, coherence })), threshold: best };
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
 * [0, 2·t1] with steps/2; the strength used is the average of the three.
 */
export async function findSteeringThreshold(
  steerer: Steerer,
  prompts: number[][],
  grader: CoherenceGrader,
  cfg: ThresholdSearchConfig,
  seed: string,
  progress?: (done: number, total: number) => void,
): Promise<ThresholdResult> {
  const traces: SearchTrace[] = [];
  for (let p = 0; p < prompts.length; p++) {
    const high = p === 0 ? cfg.maxStrength : 2 * traces[0].threshold;
    const steps = p === 0 ? cfg.steps : Math.floor(cfg.steps / 2);
    const evaluate = async (strengths: number[]) => {
      const rows = strengths.flatMap((strength) => Array.from({ length: cfg.samplesPerStrength }, (_, j) => ({ prompt: prompts[p], strength, seed: searchSeed(seed, p, j) })));
      const texts = await steerer.sample(rows, { maxNewTokens: cfg.maxNewTokens, temperature: cfg.temperature, topK: cfg.topK, topP: cfg.topP });
      const nonEmpty = (xs: string[]) => xs.filter((t) => t.trim() !== '');
      // one strength after another: the model runs one forward at a time anyway, and the step profile
      // (src/results/step-timings.ts) then times each grading alone instead of overlapping windows
      const percentages: number[] = [];
      for (let i = 0; i < strengths.length; i++) {
        percentages.push(coherencePercentage(await grader.grade(nonEmpty(texts.slice(i * cfg.samplesPerStrength, (i + 1) * cfg.samplesPerStrength)))));
      }
      return percentages;
    };
    traces.push(high > 0 && steps > 0
      ? await binarySearchThreshold({ low: 0, high, steps, batchSteps: cfg.batchSteps, coherenceThreshold: cfg.coherenceThreshold, evaluate })
      : { evaluated: [], threshold: 0 });
    progress?.(p + 1, prompts.length);
  }
  const thresholds = traces.map((t) => t.threshold);
  return {
    thresholds, avgThreshold: thresholds.reduce((s, x) => s + x, 0) / thresholds.length, traces, grader: grader.grader,
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
  const rows = prompts.flatMap((prompt, p) => Array.from({ length: K }, (_, j) => ({ prompt, strength, p, j, seed: finalSeed(seed, p, j) })));
  const out = prompts.map(() => new Array<string>(K));
  for (let start = 0; start < rows.length; start += cfg.maxBatchSize) {
    const batch = rows.slice(start, start + cfg.maxBatchSize);
    const texts = await steerer.sample(batch, { maxNewTokens: cfg.maxNewTokens, temperature: cfg.temperature, topK: cfg.topK, topP: cfg.topP });
    batch.forEach((r, i) => (out[r.p][r.j] = texts[i]));
    progress?.(Math.min(start + cfg.maxBatchSize, rows.length), rows.length);
  }
  return out;
}
