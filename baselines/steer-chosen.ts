// Steering a control's direction at the strength the controls choose (control-strength.ts): the positive
// control's ground-truth direction and the negative control's random one are steered by the same rule, so
// the two differ only in the direction. Scored against the finetuned model's own unsteered samples (the
// cached step every steering direction shares).
import type { ADLConfig } from '../src/adl/config.ts';
import { contentKey, type ArtifactStore } from '../src/adl/cache.ts';
import { finalSamples, Steerer } from '../src/adl/steering.ts';
import { finalDrawSeed, pairOf, steeringPrompts, textOf, unsteeredSamples, type Graders } from '../src/adl/steps.ts';
import { sampleTexts } from '../src/data/index.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { getOrganism } from '../src/registry/index.ts';
import { locate } from '../src/registry/resolve.ts';
import { chooseStrength, embeddingCentroid, selectionSeed } from './control-strength.ts';

/** The artifacts below are computed here: this module and its imports key them. */
const STEER_CHOSEN_CODE = { modules: [new URL(import.meta.url)] };

/** Where an organism's finetuning texts are (the registry's `dataset`: a repository-relative folder or a Hub id). */
export interface FinetuningData {
  id: string;
  split: string;
  column: string;
}

/** n texts of a finetuning dataset drawn with `seed`. */
export function finetuningTexts(data: FinetuningData, n: number, seed: string): Promise<string[]> {
  return sampleTexts({ source: locate(data.id), split: data.split, column: data.column, n, seed });
}

/** n texts of the organism's finetuning data (one draw for both controls), or undefined without public data. */
export async function controlFinetuningTexts(ctx: MethodContext, n: number): Promise<string[] | undefined> {
  const organism = getOrganism(ctx.organism.organismId);
  if (!organism.dataset || !organism.dataPublic) return undefined;
  return finetuningTexts(organism.dataset, n, `${ctx.seed}/positive-control/texts`);
}

export interface ControlDirection {
  variant: string;
  layer: number;
  /** unit(direction) × target norm. */
  vector: Float32Array;
  /** What the strength choice compares the selection samples with (controlFinetuningTexts). */
  finetuningTexts: string[];
}

/** Steers `d` after its layer at the strength chooseStrength picks and samples the final prompts there. */
export async function steerAtChosenStrength(
  ctx: MethodContext,
  config: ADLConfig,
  store: ArtifactStore,
  d: ControlDirection,
  graders: Graders,
): Promise<Pick<MethodOutput, 'steering' | 'scalars' | 'details'>> {
  const embedder = graders.embedder;
  if (!embedder)
    throw new Error(
      `${d.variant} control on ${ctx.organism.organismId}: ctx.graders.embedder is missing; the controls' strength choice compares samples with the finetuning data through the run's steering-similarity embedder`,
    );
  const prompts = steeringPrompts(ctx, config);
  const encoded = prompts.final.map(prompts.encode);
  const pair = pairOf(ctx);
  const steerer = new Steerer({
    model: pair.finetuned,
    layer: d.layer,
    vector: d.vector,
    loraScale: pair.finetunedScale,
    decode: (ids) => ctx.tokenizer.decode(ids),
    text: textOf(config),
  });
  const seed = finalDrawSeed(ctx.seed, config, 0);
  const minCoherence = config.steering.threshold.coherenceThreshold;
  const inputs = {
    model: pair.finetuned.info.contentHash,
    loraScale: pair.finetunedScale ?? null,
    layer: d.layer,
    vector: contentKey(Array.from(d.vector)),
    seed,
    style: prompts.style,
    prompts: prompts.final,
    cfg: config.steering.final,
    text: textOf(config),
    graderCode: graders.codeHash ?? null,
    coherence: graders.coherence.grader,
    embedder: embedder.grader,
    minCoherence,
  };
  const choice = await store.step(
    `control-strength.${d.variant}`,
    STEER_CHOSEN_CODE,
    { ...inputs, finetuning: contentKey(d.finetuningTexts) },
    async () => {
      const finetuning = await embeddingCentroid(embedder, d.finetuningTexts);
      if (!finetuning)
        throw new Error(`${d.variant} control on ${ctx.organism.organismId}: no finetuning text has an embedding`);
      return chooseStrength({
        steerer,
        prompts: encoded,
        final: config.steering.final,
        seed: selectionSeed(seed),
        finetuning,
        embedder,
        coherence: graders.coherence,
        minCoherence,
      });
    },
  );
  const steered = await store.step(
    `control-samples.${d.variant}`,
    STEER_CHOSEN_CODE,
    { ...inputs, strength: choice.strength },
    () =>
      finalSamples(steerer, encoded, choice.strength, config.steering.final, seed, (done, total) =>
        ctx.progress(`steering samples ${d.variant}`, done, total),
      ),
  );
  const unsteered = await unsteeredSamples(ctx, config, store, prompts, 'finetuned', 0);
  return {
    steering: [
      {
        variant: d.variant,
        layer: d.layer,
        position: 0,
        strength: choice.strength,
        prompts: prompts.final,
        steered,
        unsteered,
      },
    ],
    scalars: { [`steering_strength.L${d.layer}.pos0`]: choice.strength },
    details: { strengthChoice: choice },
  };
}
