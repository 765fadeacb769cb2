// The Activation Difference Lens as a DiffingMethod: collect means, read them out through the logit
// lens and Patchscope (difference, base mean and ft mean), steer with the difference.
import type { DiffingMethod, MethodContext, MethodOutput } from '../method/types.ts';
import { ADL_CONFIG_SCHEMA, DEFAULT_ADL_CONFIG, mergeConfig, type ADLConfig } from './config.ts';
import {
  collectStep, defaultGraders, differenceDirections, lensStep, meanLatents, patchscopeStep, steeringSamples, steeringStep, storeOf,
  type Collected, type Graders,
} from './steps.ts';

export const ADL_VERSION = '1';

export function checkConfig(cfg: ADLConfig): void {
  const bad = cfg.steering.positions.filter((p) => p >= cfg.positions);
  if (bad.length) throw new Error(`ADL config: steering.positions ${bad.join(',')} must be < positions (${cfg.positions})`);
  if (cfg.tokens <= cfg.skipTokens) throw new Error(`ADL config: tokens (${cfg.tokens}) must be > skipTokens (${cfg.skipTokens}) for the target norm`);
}

/** Scalars every consumer wants: difference norms per position, target norms, steering strengths. */
export function collectedScalars(collected: Collected): Record<string, number> {
  const scalars: Record<string, number> = {};
  collected.layers.forEach((m, i) => {
    m.diffNorm.forEach((n, p) => {
      scalars[`diff_norm.L${m.layer}.pos${p}`] = n;
      if (i === 0) scalars[`diff_norm.pos${p}`] = n;
    });
    scalars[`target_norm.L${m.layer}`] = m.targetNorm;
    scalars[`base_norm.L${m.layer}`] = m.baseNorm;
    scalars[`ft_act_norm.L${m.layer}.pos0`] = m.ftActNorm[0];
  });
  scalars.documents = collected.layers[0].count;
  return scalars;
}

export function collectedVectors(collected: Collected): NonNullable<MethodOutput['vectors']> {
  return collected.layers.flatMap((m) =>
    m.diff.flatMap((_, position) => [
      { name: 'mean_diff', layer: m.layer, position, data: m.diff[position] },
      { name: 'base_mean', layer: m.layer, position, data: m.base[position] },
      { name: 'ft_mean', layer: m.layer, position, data: m.finetuned[position] },
    ]),
  );
}

export async function runADL(ctx: MethodContext, config: ADLConfig, graders?: Graders): Promise<MethodOutput> {
  checkConfig(config);
  const g = graders ?? (await defaultGraders(ctx));
  const store = storeOf(ctx);
  const collected = await collectStep(ctx, config, store);
  const latents = meanLatents(collected, ['difference', 'base', 'finetuned']);
  const readouts = await lensStep(ctx, config, store, latents);
  if (config.patchscope.enabled) readouts.push(...(await patchscopeStep(ctx, config, store, latents, g)));
  const scalars = collectedScalars(collected);
  let steering: MethodOutput['steering'];
  if (config.steering.enabled) {
    const records = await steeringStep(ctx, config, store, differenceDirections(collected, config), g);
    steering = steeringSamples(records);
    for (const r of records) scalars[`steering_strength.L${r.direction.layer}.pos${r.direction.position}`] = r.threshold.avgThreshold;
  }
  return { readouts, steering, vectors: collectedVectors(collected), scalars };
}

/** An ADL method with injected graders (e.g. LLM graders); the default export uses the offline ones. */
export function createADLMethod(graders?: (ctx: MethodContext) => Promise<Graders>): DiffingMethod<ADLConfig> {
  return {
    id: 'adl',
    version: ADL_VERSION,
    description: 'Activation Difference Lens (default): mean (finetuned - base) residual on unrelated text through the logit lens and a token-identity Patchscope, and steering at a searched strength',
    configSchema: ADL_CONFIG_SCHEMA,
    defaultConfig: DEFAULT_ADL_CONFIG,
    needs: { generation: true, unrelatedText: true },
    run: async (ctx, config) => runADL(ctx, mergeConfig(DEFAULT_ADL_CONFIG, config), graders ? await graders(ctx) : undefined),
  };
}

const adl = createADLMethod();
export default adl;
