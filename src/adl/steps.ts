// The ADL pipeline as cached steps over a MethodContext. The ADL method and the baselines compose
// these, sharing one artifact store so that a baseline reuses the activations ADL collected.
import fs from 'node:fs';
import path from 'node:path';
import type { CoherenceCalibration, CoherenceGrader, MethodGraders } from '../method/graders.ts';
import { resolveSampling, TRANSFORMERS_DEFAULTS, type GenerationDefaults } from '../runtime/generation-config.ts';
import type { MethodContext, SteeringSamples, TokenReadout } from '../method/types.ts';
import { timeStep } from '../results/step-timings.ts';
import type { CodeSpec } from '../code-hash.ts';
import { ArtifactStore, contentKey } from './cache.ts';
import { collectMeans } from './collect.ts';
import { absoluteLayer, type ADLConfig } from './config.ts';
import { logitLens } from './lens.ts';
import { pairKey, type ModelPair, type Side } from './pair.ts';
import { patchscope, type PatchscopeResult } from './patchscope.ts';
import { SampleBatch } from './sample-batch.ts';
import {
  finalSamples,
  findSteeringThreshold,
  searchSeed,
  Steerer,
  steeringVector,
  type Generations,
  type ThresholdResult,
} from './steering.ts';

/**
 * The code of each step, part of its artifacts' key (src/adl/cache.ts): the module that computes it with
 * everything it imports, and this file (which builds the step's inputs and calls it) on its own.
 */
const stepCode = (module: string): CodeSpec => ({
  modules: [new URL(module, import.meta.url)],
  files: [new URL(import.meta.url)],
});
const COLLECT_CODE = stepCode('./collect.ts');
const LENS_CODE = stepCode('./lens.ts');
const PATCHSCOPE_CODE = stepCode('./patchscope.ts');
const STEERING_CODE = stepCode('./steering.ts');

/** The graders the steps use: the context's (ctx.graders) unless a caller swaps some (e.g. an LLM scale grader). */
export type Graders = MethodGraders;

/** The sample-text mode of the steering samples (src/adl/sample-text.ts). */
export const textOf = (cfg: ADLConfig) => cfg.steering.text ?? 'plain';
/** Cache-key part for the text mode: absent for 'plain', so artifacts made before the option stay valid. */
const textKey = (cfg: ADLConfig) => (textOf(cfg) === 'plain' ? {} : { text: textOf(cfg) });

/**
 * The seed of a steering position's draws (its strength search and final samples): the run's seed when every
 * position shares one set of unsteered samples, else one stream family per position (steered and unsteered
 * sample j still paired).
 */
export function finalDrawSeed(seed: string, cfg: ADLConfig, position: number): string {
  return cfg.steering.final.unsteered === 'per-position' ? `${seed}/position/${position}` : seed;
}

export function pairOf(ctx: MethodContext): ModelPair {
  return { base: ctx.base, finetuned: ctx.finetuned, baseScale: ctx.baseScale, finetunedScale: ctx.finetunedScale };
}

export function storeOf(ctx: MethodContext): ArtifactStore {
  return new ArtifactStore(path.join(ctx.cacheDir, 'adl'));
}

/** Stored means of one layer (positions 0..k−1 only; norms for every position). */
export interface StoredMeans {
  layer: number;
  count: number;
  tokens: number;
  diff: number[][];
  base: number[][];
  finetuned: number[][];
  diffNorm: number[];
  baseActNorm: number[];
  ftActNorm: number[];
  baseNorm: number;
  targetNorm: number;
}

export interface Collected {
  documentsKey: string;
  layers: StoredMeans[];
}

export async function collectStep(ctx: MethodContext, cfg: ADLConfig, store: ArtifactStore): Promise<Collected> {
  const documents = await ctx.unrelatedDocuments(cfg.samples, cfg.tokens);
  const documentsKey = contentKey(documents);
  const layers = [...new Set(cfg.layers.map((r) => absoluteLayer(r, ctx.finetuned.info.numLayers)))];
  const pair = pairOf(ctx);
  const inputs = {
    models: pairKey(pair),
    documentsKey,
    layers,
    skipTokens: cfg.skipTokens,
    positions: cfg.positions,
  };
  const stored = await store.step('collect', COLLECT_CODE, inputs, async () => {
    const means = await collectMeans(pair, documents, {
      layers,
      batchSize: cfg.batchSize,
      skipTokens: cfg.skipTokens,
      progress: (done, total) => ctx.progress('collect', done, total),
    });
    const k = Math.min(cfg.positions, documents[0].length);
    const rows = (vs: Float32Array[]) => vs.slice(0, k).map((v) => Array.from(v));
    return means.map(
      (m): StoredMeans => ({
        layer: m.layer,
        count: m.count,
        tokens: m.tokens,
        diff: rows(m.diff),
        base: rows(m.base),
        finetuned: rows(m.finetuned),
        diffNorm: m.diffNorm,
        baseActNorm: m.baseActNorm,
        ftActNorm: m.ftActNorm,
        baseNorm: m.baseNorm,
        targetNorm: m.targetNorm,
      }),
    );
  });
  return { documentsKey, layers: stored };
}

/** A vector to read out: which model it is patched into, and its target norm. */
export interface Latent {
  variant: string;
  layer: number;
  position: number;
  vector: number[];
  side: Side;
  targetNorm: number;
}

/** The toolkit's three latents per position: difference and ft mean on the ft model, base mean on the base model. */
export function meanLatents(collected: Collected, variants: ('difference' | 'base' | 'finetuned')[]): Latent[] {
  return collected.layers.flatMap((m) =>
    m.diff.flatMap((_, position) =>
      variants.map(
        (variant): Latent => ({
          variant,
          layer: m.layer,
          position,
          vector:
            variant === 'difference' ? m.diff[position] : variant === 'base' ? m.base[position] : m.finetuned[position],
          side: variant === 'base' ? 'base' : 'finetuned',
          targetNorm: m.targetNorm,
        }),
      ),
    ),
  );
}

const displayAll = (ctx: MethodContext, ids: number[]) => ids.map((id) => ctx.tokenizer.displayToken(id));

/** Logit lens (always through the finetuned model) of every latent. */
export async function lensStep(
  ctx: MethodContext,
  cfg: ADLConfig,
  store: ArtifactStore,
  latents: Latent[],
): Promise<TokenReadout[]> {
  const inputs = {
    lens: ctx.finetuned.info.contentHash,
    topK: cfg.lens.topK,
    latents: contentKey(latents.map((l) => l.vector)),
  };
  const results = await store.step('lens', LENS_CODE, inputs, async () =>
    logitLens(
      ctx.finetuned,
      latents.map((l) => Float32Array.from(l.vector)),
      cfg.lens.topK,
    ),
  );
  return latents.map(
    (l, i): TokenReadout => ({
      source: 'logitlens',
      variant: l.variant,
      layer: l.layer,
      position: l.position,
      tokens: displayAll(ctx, results[i].ids),
      tokenIds: results[i].ids,
      probs: results[i].probs,
    }),
  );
}

export async function patchscopeStep(
  ctx: MethodContext,
  cfg: ADLConfig,
  store: ArtifactStore,
  latents: Latent[],
  graders: Graders,
): Promise<TokenReadout[]> {
  const pair = pairOf(ctx);
  const out: TokenReadout[] = [];
  for (const [i, l] of latents.entries()) {
    const model = l.side === 'base' ? pair.base : pair.finetuned;
    const loraScale = l.side === 'base' ? pair.baseScale : pair.finetunedScale;
    const inputs = {
      model: model.info.contentHash,
      loraScale: loraScale ?? null,
      vector: contentKey(l.vector),
      layer: l.layer,
      targetNorm: l.targetNorm,
      cfg: cfg.patchscope,
      grader: graders.scale.grader,
      graderCode: graders.codeHash ?? null,
    };
    const r = await store.step<PatchscopeResult>(
      `patchscope.${l.variant}.L${l.layer}.P${l.position}`,
      PATCHSCOPE_CODE,
      inputs,
      () =>
        patchscope(model, Float32Array.from(l.vector), graders.scale, {
          layer: l.layer,
          targetNorm: l.targetNorm,
          scales: cfg.patchscope.scales,
          intersectionTopK: cfg.patchscope.intersectionTopK,
          tokensK: cfg.patchscope.tokensK,
          loraScale,
          encode: (t) => ctx.tokenizer.encode(t),
          displayToken: (id) => ctx.tokenizer.displayToken(id),
        }),
    );
    ctx.progress('patchscope', i + 1, latents.length);
    out.push({
      source: 'patchscope',
      variant: l.variant,
      layer: l.layer,
      position: l.position,
      tokens: r.tokensAtBestScale,
      tokenIds: r.tokenIdsAtBestScale,
      probs: r.probsAtBestScale,
      scale: r.bestScale,
      selectedTokens: r.selectedTokens,
    });
  }
  return out;
}

/** What sampling resolves from besides the caller: the checkpoint's generation config and transformers' defaults. */
function generationKey(defaults: GenerationDefaults) {
  return { config: defaults, transformers: TRANSFORMERS_DEFAULTS };
}

const PROMPT_DIR = path.join(import.meta.dirname, 'prompts');

export function readPromptFile(name: string): string[] {
  const file = path.join(PROMPT_DIR, name);
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) throw new Error(`${file}: no prompts`);
  return lines;
}

/**
 * 'auto' uses completion prompts for the zoo's base language models (they have a chat template but
 * were never chat-trained) and for tokenizers without a template; chat prompts otherwise.
 */
export function promptStyle(ctx: MethodContext, cfg: ADLConfig): 'chat' | 'completion' {
  const style = cfg.steering.promptStyle;
  if (style !== 'auto') return style;
  return ctx.organism.organismId.startsWith('zoo/') || !ctx.tokenizer.applyChatTemplate ? 'completion' : 'chat';
}

export interface SteeringPrompts {
  style: 'chat' | 'completion';
  threshold: string[];
  final: string[];
  encode: (prompt: string) => number[];
}

export function steeringPrompts(ctx: MethodContext, cfg: ADLConfig): SteeringPrompts {
  const style = promptStyle(ctx, cfg);
  // the run's prompts (the toolkit's under --graders paper / --prompts toolkit) replace the files below
  const supplied = ctx.steeringPrompts;
  const final = (supplied?.final ?? readPromptFile(`${style}_final.txt`)).slice(0, cfg.steering.final.prompts);
  const encode = (prompt: string) => {
    if (style === 'completion') return ctx.tokenizer.encode(prompt);
    if (!ctx.tokenizer.applyChatTemplate)
      throw new Error(
        `steering: chat prompts need a tokenizer with a chat template (organism ${ctx.organism.organismId})`,
      );
    const text = ctx.tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], {
      addGenerationPrompt: true,
      enableThinking: false,
    });
    return ctx.tokenizer.encode(text, { addSpecialTokens: false });
  };
  return { style, threshold: supplied?.threshold ?? readPromptFile(`${style}_threshold.txt`), final, encode };
}

/** A direction to steer with (already unit × target norm) and where. */
export interface Direction {
  variant: string;
  layer: number;
  position: number;
  vector: number[];
}

export interface SteeringRecord {
  direction: Omit<Direction, 'vector'>;
  threshold: ThresholdResult;
  generations: Generations;
  prompts: string[];
}

/** The grader with one grade() at a time: directions searched together grade their rounds one after another. */
function serialised(grader: CoherenceGrader): CoherenceGrader {
  let last: Promise<unknown> = Promise.resolve();
  return {
    grader: grader.grader,
    grade: (texts) => {
      const next = last.then(() => grader.grade(texts));
      last = next.catch(() => {});
      return next;
    },
  };
}

export async function steeringStep(
  ctx: MethodContext,
  cfg: ADLConfig,
  store: ArtifactStore,
  directions: Direction[],
  graders: Graders,
): Promise<SteeringRecord[]> {
  const prompts = steeringPrompts(ctx, cfg);
  const pair = pairOf(ctx);
  const records: SteeringRecord[] = [];
  let calibrated: Promise<CoherenceGrader> | undefined;
  const coherenceGrader = () => {
    const c = graders.calibratedCoherence;
    if (!c) return Promise.resolve(graders.coherence);
    calibrated ??= coherenceCalibration(ctx, cfg, store, prompts, c, graders.codeHash).then((r) =>
      c.grader(r.calibration),
    );
    return calibrated;
  };
  const coherence = serialised(await coherenceGrader());
  // every direction is searched and sampled at the same time, their rounds generated together (SampleBatch);
  // seeds without the direction: every direction is searched and sampled on the same draws (steering.ts)
  const batch = new SampleBatch({
    model: pair.finetuned,
    loraScale: pair.finetunedScale,
    decode: (ids) => ctx.tokenizer.decode(ids),
    text: textOf(cfg),
  });
  const each = <T>(what: string, run: (i: number, steerer: Steerer, name: string, key: object) => Promise<T>) =>
    timeStep(what, () =>
      Promise.all(
        directions.map(async (d, i) => {
          const participant = batch.join();
          try {
            const steerer = new Steerer({
              model: pair.finetuned,
              layer: d.layer,
              vector: Float32Array.from(d.vector),
              loraScale: pair.finetunedScale,
              decode: (ids) => ctx.tokenizer.decode(ids),
              text: textOf(cfg),
              batch: participant,
            });
            const key = {
              model: pair.finetuned.info.contentHash,
              loraScale: pair.finetunedScale ?? null,
              layer: d.layer,
              vector: contentKey(d.vector),
              seed: ctx.seed,
              style: prompts.style,
              generation: generationKey(pair.finetuned.info.generationDefaults),
              graderCode: graders.codeHash ?? null,
              ...textKey(cfg),
            };
            return await run(i, steerer, `${d.variant}.L${d.layer}.P${d.position}`, key);
          } finally {
            participant.leave();
          }
        }),
      ),
    );
  const thresholds = await each('steering-threshold', (i, steerer, name, key) =>
    store.step(
      `steering-threshold.${name}`,
      STEERING_CODE,
      {
        ...key,
        seed: finalDrawSeed(ctx.seed, cfg, directions[i].position),
        prompts: prompts.threshold,
        cfg: cfg.steering.threshold,
        grader: coherence.grader,
      },
      () =>
        findSteeringThreshold(
          steerer,
          prompts.threshold.map(prompts.encode),
          coherence,
          cfg.steering.threshold,
          // per position (the toolkit searches every position with its own draws), else one set for all
          finalDrawSeed(ctx.seed, cfg, directions[i].position),
          (done, total) => ctx.progress(`steering threshold ${name}`, done, total),
        ),
      { timed: false },
    ),
  );
  // per position when the config says so (the toolkit's per-position draws), else one shared set
  const unsteeredAt = new Map<number, string[][]>();
  for (const d of directions)
    if (!unsteeredAt.has(drawPosition(cfg, d.position)))
      unsteeredAt.set(
        drawPosition(cfg, d.position),
        await unsteeredSamples(ctx, cfg, store, prompts, 'finetuned', d.position),
      );
  const unsteeredOf = (d: Direction) => unsteeredAt.get(drawPosition(cfg, d.position))!;
  const steered = await each('steering-samples', (i, steerer, name, key) => {
    const strength = thresholds[i].avgThreshold;
    if (strength === 0) return Promise.resolve(unsteeredOf(directions[i]));
    return store.step(
      `steering-samples.${name}`,
      STEERING_CODE,
      { ...key, prompts: prompts.final, cfg: cfg.steering.final, strength },
      () =>
        finalSamples(
          steerer,
          prompts.final.map(prompts.encode),
          strength,
          cfg.steering.final,
          finalDrawSeed(ctx.seed, cfg, directions[i].position),
          (done, total) => ctx.progress(`steering samples ${name}`, done, total),
        ),
      { timed: false },
    );
  });
  const f = cfg.steering.final;
  const sampling = resolveSampling(
    { temperature: f.temperature, topK: f.topK, topP: f.topP },
    pair.finetuned.info.generationDefaults,
  );
  directions.forEach((d, i) =>
    records.push({
      direction: { variant: d.variant, layer: d.layer, position: d.position },
      threshold: thresholds[i],
      generations: { strength: thresholds[i].avgThreshold, steered: steered[i], unsteered: unsteeredOf(d), sampling },
      prompts: prompts.final,
    }),
  );
  return records;
}

/** The position whose draws a steering position uses: its own (per-position), else one shared set (0). */
const drawPosition = (cfg: ADLConfig, position: number) =>
  cfg.steering.final.unsteered === 'per-position' ? position : 0;

/**
 * Unsteered samples of one model on the final prompts with the final settings, the same draws as the
 * steered samples at `position` (finalSeed of finalDrawSeed). One cached step per model (and position, under
 * 'per-position'), shared by every direction there and by the unsteered baseline.
 */
export async function unsteeredSamples(
  ctx: MethodContext,
  cfg: ADLConfig,
  store: ArtifactStore,
  prompts: SteeringPrompts,
  side: Side,
  position = 0,
): Promise<string[][]> {
  const pair = pairOf(ctx);
  const model = side === 'base' ? pair.base : pair.finetuned;
  const loraScale = side === 'base' ? pair.baseScale : pair.finetunedScale;
  const inputs = {
    model: model.info.contentHash,
    loraScale: loraScale ?? null,
    seed: ctx.seed,
    style: prompts.style,
    prompts: prompts.final,
    cfg: cfg.steering.final,
    generation: generationKey(model.info.generationDefaults),
    ...textKey(cfg),
  };
  const at = drawPosition(cfg, position);
  const seed = finalDrawSeed(ctx.seed, cfg, at);
  return store.step(
    `unsteered.${side}${at ? `.P${at}` : ''}`,
    STEERING_CODE,
    seed === ctx.seed ? inputs : { ...inputs, seed },
    () => {
      const steerer = new Steerer({
        model,
        layer: 0,
        vector: new Float32Array(model.info.hiddenSize),
        loraScale,
        decode: (ids) => ctx.tokenizer.decode(ids),
        text: textOf(cfg),
      });
      return finalSamples(steerer, prompts.final.map(prompts.encode), 0, cfg.steering.final, seed, (done, total) =>
        ctx.progress(`unsteered ${side}${at ? ` position ${at}` : ''}`, done, total),
      );
    },
  );
}

/**
 * The finetuned model's unsteered samples on the threshold prompts with the search's settings
 * (samplesPerStrength per prompt), and the coherence calibration made from them. Shared by every
 * direction (ADL's and the random baseline's), so both are searched against the same grader.
 */
async function coherenceCalibration(
  ctx: MethodContext,
  cfg: ADLConfig,
  store: ArtifactStore,
  prompts: SteeringPrompts,
  c: CoherenceCalibration,
  graderCode: string | undefined,
): Promise<{ texts: string[]; calibration: number }> {
  const pair = pairOf(ctx);
  const t = cfg.steering.threshold;
  const inputs = {
    calibrator: c.id,
    graderCode: graderCode ?? null,
    model: pair.finetuned.info.contentHash,
    loraScale: pair.finetunedScale ?? null,
    judge: pair.base.info.contentHash,
    seed: ctx.seed,
    style: prompts.style,
    prompts: prompts.threshold,
    samples: t.samplesPerStrength,
    maxNewTokens: t.maxNewTokens,
    temperature: t.temperature,
    topK: t.topK ?? null,
    topP: t.topP ?? null,
    generation: generationKey(pair.finetuned.info.generationDefaults),
    ...textKey(cfg),
  };
  return store.step('coherence-calibration', STEERING_CODE, inputs, async () => {
    const steerer = new Steerer({
      model: pair.finetuned,
      layer: 0,
      vector: new Float32Array(pair.finetuned.info.hiddenSize),
      loraScale: pair.finetunedScale,
      decode: (ids) => ctx.tokenizer.decode(ids),
      text: textOf(cfg),
    });
    // the strength-0 point of the search's own draws (searchSeed)
    const rows = prompts.threshold.map(prompts.encode).flatMap((prompt, p) =>
      Array.from({ length: t.samplesPerStrength }, (_, j) => ({
        prompt,
        strength: 0,
        seed: searchSeed(ctx.seed, p, j),
      })),
    );
    const texts = await steerer.sample(rows, {
      maxNewTokens: t.maxNewTokens,
      temperature: t.temperature,
      topK: t.topK,
      topP: t.topP,
    });
    return { texts, calibration: await c.calibrate(texts) };
  });
}

export function steeringSamples(records: SteeringRecord[]): SteeringSamples[] {
  return records.map((r) => ({
    variant: r.direction.variant,
    layer: r.direction.layer,
    position: r.direction.position,
    strength: r.generations.strength,
    prompts: r.prompts,
    steered: r.generations.steered,
    unsteered: r.generations.unsteered,
    ...(r.generations.sampling
      ? {
          sampling: {
            final: r.generations.sampling,
            ...(r.threshold.sampling ? { search: r.threshold.sampling } : {}),
          },
        }
      : {}),
  }));
}

/** unit(mean diff) × target norm at each configured steering position. */
export function differenceDirections(collected: Collected, cfg: ADLConfig): Direction[] {
  return collected.layers.flatMap((m) =>
    cfg.steering.positions
      .filter((p) => p < m.diff.length)
      .map((position) => ({
        variant: 'difference',
        layer: m.layer,
        position,
        vector: Array.from(steeringVector(Float32Array.from(m.diff[position]), m.targetNorm)),
      })),
  );
}
