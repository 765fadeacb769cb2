// Baseline: a random direction with the same norm as the mean difference at each position, through
// the same lens, Patchscope and steering. What any vector of that size does to the model.
import seedrandom from 'seedrandom';
import type { ADLConfig } from '../src/adl/config.ts';
import { checkConfig, topTokens } from '../src/adl/method.ts';
import { steeringVector } from '../src/adl/steering.ts';
import {
  collectStep,
  lensStep,
  patchscopeStep,
  storeOf,
  type Collected,
  type Direction,
  type Graders,
  type Latent,
} from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';
import { steerLikeADL } from './steer.ts';
import { norm } from '../src/vector.ts';

/** A seeded Gaussian vector (Box-Muller) rescaled to `targetNorm`. */
export function randomVector(dim: number, targetNorm: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const v = Array.from({ length: dim }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
  const n = norm(v);
  return v.map((x) => (x / n) * targetNorm);
}

/** One seeded random vector per collected layer and position, with the difference's norm there. */
export function randomLatents(ctx: MethodContext, collected: Collected): Latent[] {
  return collected.layers.flatMap((m) =>
    m.diff.map((_, position) => ({
      variant: 'random',
      layer: m.layer,
      position,
      side: 'finetuned' as const,
      targetNorm: m.targetNorm,
      vector: randomVector(
        m.diff[position].length,
        m.diffNorm[position],
        `${ctx.seed}/random/L${m.layer}/P${position}`,
      ),
    })),
  );
}

/** The random latents at the configured steering positions, as unit x target norm directions. */
export function randomDirections(latents: Latent[], config: ADLConfig): Direction[] {
  return latents
    .filter((l) => config.steering.positions.includes(l.position))
    .map((l) => ({
      variant: 'random',
      layer: l.layer,
      position: l.position,
      vector: Array.from(steeringVector(Float32Array.from(l.vector), l.targetNorm)),
    }));
}

export async function runRandomDirection(
  ctx: MethodContext,
  config: ADLConfig,
  graders?: Graders,
): Promise<MethodOutput> {
  checkConfig(config);
  const store = storeOf(ctx);
  const collected = await collectStep(ctx, config, store);
  const latents = randomLatents(ctx, collected);
  const g = graders ?? ctx.graders;
  const readouts = await lensStep(ctx, config, store, latents);
  if (config.patchscope.enabled) readouts.push(...(await patchscopeStep(ctx, config, store, latents, g)));
  const out: MethodOutput = {
    readouts: topTokens(readouts),
    vectors: latents.map((l) => ({ name: 'random', layer: l.layer, position: l.position, data: l.vector })),
    scalars: {},
  };
  if (config.steering.enabled)
    Object.assign(out, await steerLikeADL(ctx, config, store, randomDirections(latents, config), g));
  return out;
}

export default adlBaseline('random-direction', { generation: true, unrelatedText: true }, runRandomDirection);
