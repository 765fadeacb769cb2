// Baseline: unsteered generations. The finetuned model's own samples on the steering prompts, put in
// the `steered` slot (strength 0) so they are scored exactly like steered samples; the `unsteered`
// slot holds the base model's samples on the same prompts, the reference for "no finetune at all".
// Strength 0: nothing is steered, so its protocol steering gain is 0 (the do-nothing steering method).
// The finetuned samples are the very unsteered samples every steering direction is compared with
// (src/adl/steps.ts unsteeredSamples: same settings, same draws, one cached step).
import { absoluteLayer, type ADLConfig } from '../src/adl/config.ts';
import { pairOf, steeringPrompts, storeOf, unsteeredSamples } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';

export async function runUnsteered(ctx: MethodContext, config: ADLConfig): Promise<MethodOutput> {
  const store = storeOf(ctx);
  const prompts = steeringPrompts(ctx, config);
  // the draws of the first steering position (the only set unless the config draws per position)
  const position = config.steering.positions[0] ?? 0;
  const finetuned = await unsteeredSamples(ctx, config, store, prompts, 'finetuned', position);
  const base = await unsteeredSamples(ctx, config, store, prompts, 'base', position);
  // Strength 0 at the layer ADL steers: no direction, so the protocol's steering gain is 0 by definition.
  const layer = absoluteLayer(config.layers[0], pairOf(ctx).finetuned.info.numLayers);
  return {
    steering: [
      {
        variant: 'unsteered',
        layer,
        position,
        strength: 0,
        prompts: prompts.final,
        steered: finetuned,
        unsteered: base,
      },
    ],
  };
}

export default adlBaseline('unsteered', { generation: true, unrelatedText: false }, runUnsteered);
