// Baseline: a random direction with the same norm as the mean difference at each position, through
// the same lens, Patchscope and steering. What any vector of that size does to the model.
import seedrandom from 'seedrandom';
import type { ADLConfig } from '../src/adl/config.ts';
import { checkConfig } from '../src/adl/method.ts';
import { steeringVector } from '../src/adl/steering.ts';
import {
  collectStep, lensStep, patchscopeStep, steeringSamples, steeringStep, storeOf, type Graders, type Latent,
} from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';

/** A seeded Gaussian vector (Box-Muller) rescaled to `norm`. */
export function randomVector(dim: number, norm: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const v = Array.from({ length: dim }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => (x / n) * norm);
}

export async function runRandomDirection(ctx: MethodContext, config: ADLConfig, graders: Graders = ctx.graders): Promise<MethodOutput> {
  checkConfig(config);
  const store = storeOf(ctx);
  const collected = await collectStep(ctx, config, store);
  const latents: Latent[] = collected.layers.flatMap((m) =>
    m.diff.map((_, position) => ({
      variant: 'random', layer: m.layer, position, side: 'finetuned' as const, targetNorm: m.targetNorm,
      vector: randomVector(m.diff[position].length, m.diffNorm[position], `${ctx.seed}/random/L${m.layer}/P${position}`),
    })),
  );
  const g = graders;
  const readouts = await lensStep(ctx, config, store, latents);
  if (config.patchscope.enabled) readouts.push(...(await patchscopeStep(ctx, config, store, latents, g)));
  const out: MethodOutput = { readouts, vectors: latents.map((l) => ({ name: 'random', layer: l.layer, position: l.position, data: l.vector })), scalars: {} };
  if (config.steering.enabled) {
    const directions = latents
      .filter((l) => config.steering.positions.includes(l.position))
      .map((l) => ({ variant: 'random', layer: l.layer, position: l.position, vector: Array.from(steeringVector(Float32Array.from(l.vector), l.targetNorm)) }));
    const records = await steeringStep(ctx, config, store, directions, g);
    out.steering = steeringSamples(records);
    for (const r of records) out.scalars![`steering_strength.L${r.direction.layer}.pos${r.direction.position}`] = r.threshold.avgThreshold;
  }
  return out;
}

export default adlBaseline('random-direction', { generation: true, unrelatedText: true }, runRandomDirection);
