// Baseline: plain mean activations (base model, finetuned model) instead of their difference, through
// the same logit lens and Patchscope (spec §5.1 "grade_base"/"grade_ft"). Reuses ADL's collected means.
import type { ADLConfig } from '../src/adl/config.ts';
import { collectedScalars, checkConfig } from '../src/adl/method.ts';
import { collectStep, lensStep, meanLatents, patchscopeStep, storeOf, type Graders } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';

export async function runMeanActivations(ctx: MethodContext, config: ADLConfig, graders: Graders = ctx.graders): Promise<MethodOutput> {
  checkConfig(config);
  const store = storeOf(ctx);
  const collected = await collectStep(ctx, config, store);
  const latents = meanLatents(collected, ['base', 'finetuned']);
  const readouts = await lensStep(ctx, config, store, latents);
  if (config.patchscope.enabled) readouts.push(...(await patchscopeStep(ctx, config, store, latents, graders)));
  return { readouts, scalars: collectedScalars(collected) };
}

export default adlBaseline('mean-activations', { generation: false, unrelatedText: true }, runMeanActivations);
