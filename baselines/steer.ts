// Steering a baseline's directions the way ADL steers its own: unit direction x target norm, the
// strength from ADL's coherence search, then steered and unsteered samples of the finetuned model.
import type { ADLConfig } from '../src/adl/config.ts';
import type { ArtifactStore } from '../src/adl/cache.ts';
import { steeringSamples, steeringStep, type Direction, type Graders } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';

export async function steerLikeADL(
  ctx: MethodContext,
  config: ADLConfig,
  store: ArtifactStore,
  directions: Direction[],
  graders: Graders,
): Promise<Pick<MethodOutput, 'steering' | 'scalars'>> {
  const records = await steeringStep(ctx, config, store, directions, graders);
  const scalars: Record<string, number> = {};
  for (const r of records)
    scalars[`steering_strength.L${r.direction.layer}.pos${r.direction.position}`] = r.threshold.avgThreshold;
  return { steering: steeringSamples(records), scalars };
}
