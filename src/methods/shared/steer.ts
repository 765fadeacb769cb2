// Steering with a method's own direction, scored like ADL's: unit(direction) × the layer's target norm
// (the finetuned model's mean activation norm) added at every position and step of the finetuned model,
// at the strength the ADL's coherence search finds, then steered and unsteered samples per prompt
// (src/adl/steps.ts steeringStep: same prompts, graders and caching).
import path from 'node:path';
import { ArtifactStore } from '../../adl/cache.ts';
import { ADL_CONFIG_SCHEMA, DEFAULT_ADL_CONFIG, mergeConfig, ZOO_SAMPLING, type ADLConfig } from '../../adl/config.ts';
import { steeringSamples, steeringStep } from '../../adl/steps.ts';
import type { MethodContext, SteeringSamples } from '../../method/types.ts';
import { norm } from '../../vector.ts';

export type SteeringConfig = Omit<ADLConfig['steering'], 'positions'> & { directions: number };

const adlSteering = ADL_CONFIG_SCHEMA.properties.steering as { properties: Record<string, object> };

export const STEERING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'directions', 'promptStyle', 'threshold', 'final'],
  properties: {
    enabled: { type: 'boolean' },
    /** How many of the method's leading directions to steer with (each is one steering entry; the protocol allows 5). */
    directions: { type: 'integer', minimum: 1, maximum: 5 },
    promptStyle: adlSteering.properties.promptStyle,
    threshold: adlSteering.properties.threshold,
    final: adlSteering.properties.final,
  },
};

/** Defaults: the toolkit's search at sizes a CPU run of the zoo affords; sampling temperature 0.8 without top-k (src/adl/config.ts ZOO_SAMPLING says why). */
export const DEFAULT_STEERING: SteeringConfig = {
  enabled: true,
  directions: 1,
  promptStyle: 'auto',
  threshold: {
    ...DEFAULT_ADL_CONFIG.steering.threshold,
    steps: 8,
    batchSteps: 1,
    samplesPerStrength: 6,
    maxNewTokens: 32,
    ...ZOO_SAMPLING.steering.threshold,
  },
  final: {
    ...DEFAULT_ADL_CONFIG.steering.final,
    samplesPerPrompt: 5,
    maxNewTokens: 40,
    prompts: 10,
    ...ZOO_SAMPLING.steering.final,
  },
};

/**
 * npm test's fast settings: ADL's fast search and sample sizes (benchmark/zoo/suite.json), searched from
 * maxStrength 4: with 4 steps from 100 the smallest strength tried is 6.25x the target norm and the search
 * can only settle at 0 (the suite's comment measures this).
 */
export const FAST_STEERING = {
  threshold: { steps: 4, batchSteps: 1, samplesPerStrength: 4, maxNewTokens: 24, maxStrength: 4 },
  final: { samplesPerPrompt: 2, maxNewTokens: 32, prompts: 6 },
};

export interface SteeringDirection {
  variant: string;
  layer: number;
  /** The readout position it belongs to (its rank among the method's directions). */
  position: number;
  vector: Float32Array;
  /** Mean activation norm of the finetuned model at this layer: the unit strength. */
  targetNorm: number;
}

export async function steerAlong(
  ctx: MethodContext,
  methodId: string,
  cfg: SteeringConfig,
  directions: SteeringDirection[],
): Promise<SteeringSamples[]> {
  if (!cfg.enabled || directions.length === 0) return [];
  const adlCfg = mergeConfig(DEFAULT_ADL_CONFIG, { steering: { ...cfg, positions: [] } });
  const store = new ArtifactStore(path.join(ctx.cacheDir, methodId));
  const scaled = directions.slice(0, cfg.directions).map((d) => {
    const n = norm(d.vector);
    if (!(n > 0)) throw new Error(`${methodId}: steering direction ${d.variant} at layer ${d.layer} has zero norm`);
    return {
      variant: d.variant,
      layer: d.layer,
      position: d.position,
      vector: Array.from(d.vector, (x) => (x / n) * d.targetNorm),
    };
  });
  return steeringSamples(await steeringStep(ctx, adlCfg, store, scaled, ctx.graders));
}
