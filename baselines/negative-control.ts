// The negative control of every suite's protocol: what a method that knows nothing scores. Seeded
// uniformly random tokens as its readouts (the full budget: one readout of 20 tokens per position and
// source) and a random direction (random-direction.ts: the same vector as that baseline's at position 0),
// steered at the strength the controls choose (control-strength.ts: the positive control's rule, so the
// two controls differ only in the direction). Normalised scores put it at 0.
import seedrandom from 'seedrandom';
import type { ADLConfig } from '../src/adl/config.ts';
import { absoluteLayer } from '../src/adl/config.ts';
import { checkConfig, SCORED_TOKENS } from '../src/adl/method.ts';
import { collectStep, storeOf, type Graders } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput, TokenReadout } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';
import { randomLatents } from './random-direction.ts';
import { controlFinetuningTexts, steerAtChosenStrength } from './steer-chosen.ts';
import { steeringVector } from '../src/adl/steering.ts';

export const CONTROL_SOURCES = ['logitlens', 'patchscope'] as const;

/** `count` distinct token ids drawn uniformly from [0, vocabSize), seeded. */
export function randomTokenIds(vocabSize: number, count: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const ids = new Set<number>();
  while (ids.size < Math.min(count, vocabSize)) ids.add(Math.floor(rng() * vocabSize));
  return [...ids];
}

export async function runNegativeControl(
  ctx: MethodContext,
  config: ADLConfig,
  graders?: Graders,
): Promise<MethodOutput> {
  checkConfig(config);
  const layer = absoluteLayer(config.layers[0], ctx.finetuned.info.numLayers);
  const readouts: TokenReadout[] = CONTROL_SOURCES.flatMap((source) =>
    Array.from({ length: config.positions }, (_, position) => {
      const tokenIds = randomTokenIds(
        ctx.finetuned.info.vocabSize,
        SCORED_TOKENS,
        `${ctx.seed}/negative-control/${source}/P${position}`,
      );
      return {
        source,
        variant: 'random-tokens',
        layer,
        position,
        tokenIds,
        tokens: tokenIds.map((id) => ctx.tokenizer.displayToken(id)),
      };
    }),
  );
  const out: MethodOutput = { readouts };
  const finetuningTexts = config.steering.enabled ? await controlFinetuningTexts(ctx, config.samples) : undefined;
  if (finetuningTexts) {
    const store = storeOf(ctx);
    const random = randomLatents(ctx, await collectStep(ctx, config, store)).find(
      (l) => l.layer === layer && l.position === 0,
    )!;
    const vector = steeringVector(Float32Array.from(random.vector), random.targetNorm);
    const steering = { variant: 'random', layer, vector, finetuningTexts };
    Object.assign(out, await steerAtChosenStrength(ctx, config, store, steering, graders ?? ctx.graders));
  }
  return out;
}

export default adlBaseline('negative-control', { generation: true, unrelatedText: true }, runNegativeControl);
