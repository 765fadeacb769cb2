// Baselines: plain mean activations (base model, finetuned model) instead of their difference, through
// the same logit lens and Patchscope (docs/toolkit.md#token-relevance "grade_base"/"grade_ft"). Reuses ADL's collected means.
// One baseline per mean, so each stays within the protocol's readout budget (K readouts per source).
import type { ADLConfig } from '../src/adl/config.ts';
import { collectedScalars, checkConfig, topTokens } from '../src/adl/method.ts';
import { collectStep, lensStep, meanLatents, patchscopeStep, storeOf, type Graders } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';

export async function runMeanActivations(
  ctx: MethodContext,
  config: ADLConfig,
  graders?: Graders,
  variants: ('base' | 'finetuned')[] = ['base', 'finetuned'],
): Promise<MethodOutput> {
  checkConfig(config);
  const store = storeOf(ctx);
  const collected = await collectStep(ctx, config, store);
  const latents = meanLatents(collected, variants);
  const readouts = await lensStep(ctx, config, store, latents);
  if (config.patchscope.enabled)
    readouts.push(...(await patchscopeStep(ctx, config, store, latents, graders ?? ctx.graders)));
  return { readouts: topTokens(readouts), scalars: collectedScalars(collected) };
}

export const baseMean = adlBaseline('base-mean', { generation: false, unrelatedText: true }, (ctx, config) =>
  runMeanActivations(ctx, config, undefined, ['base']),
);
export const finetunedMean = adlBaseline('finetuned-mean', { generation: false, unrelatedText: true }, (ctx, config) =>
  runMeanActivations(ctx, config, undefined, ['finetuned']),
);
