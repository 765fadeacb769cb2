// The Activation Difference Lens as a DiffingMethod: collect means, read them out through the logit
// lens and Patchscope (difference, base mean and ft mean), steer with the difference.
import type { DiffingMethod, MethodContext, MethodOutput, TokenReadout } from '../method/types.ts';
import { ADL_CONFIG_SCHEMA, ADL_PAPER_CONFIG, DEFAULT_ADL_CONFIG, mergeConfig, type ADLConfig } from './config.ts';
import {
  collectStep,
  differenceDirections,
  lensStep,
  meanLatents,
  patchscopeStep,
  steeringSamples,
  steeringStep,
  storeOf,
  type Collected,
  type Graders,
} from './steps.ts';

// 2: the scored readouts are the difference's top 20 tokens per source and position (the protocol's
// budget, src/method/validate.ts); the base/finetuned means and the full top-k lists are in details.
const ADL_VERSION = '2';

/** Tokens per scored readout: the toolkit grades the top 20. */
export const SCORED_TOKENS = 20;

/** Readouts cut to their top `n` tokens (the protocol scores at most 20 per readout). */
export function topTokens(readouts: TokenReadout[], n = SCORED_TOKENS): TokenReadout[] {
  return readouts.map((r) => ({
    ...r,
    tokens: r.tokens.slice(0, n),
    tokenIds: r.tokenIds.slice(0, n),
    ...(r.probs ? { probs: r.probs.slice(0, n) } : {}),
  }));
}

/** The readouts a suite scores: the difference's top tokens; the base and finetuned means are reference detail. */
function scoredReadouts(readouts: TokenReadout[]): TokenReadout[] {
  return topTokens(readouts.filter((r) => r.variant === 'difference'));
}

export function checkConfig(cfg: ADLConfig): void {
  const bad = cfg.steering.positions.filter((p) => p >= cfg.positions);
  if (bad.length)
    throw new Error(`ADL config: steering.positions ${bad.join(',')} must be < positions (${cfg.positions})`);
  if (cfg.tokens <= cfg.skipTokens)
    throw new Error(`ADL config: tokens (${cfg.tokens}) must be > skipTokens (${cfg.skipTokens}) for the target norm`);
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

function collectedVectors(collected: Collected): NonNullable<MethodOutput['vectors']> {
  return collected.layers.flatMap((m) =>
    m.diff.flatMap((_, position) => [
      { name: 'mean_diff', layer: m.layer, position, data: m.diff[position] },
      { name: 'base_mean', layer: m.layer, position, data: m.base[position] },
      { name: 'ft_mean', layer: m.layer, position, data: m.finetuned[position] },
    ]),
  );
}

export async function runADL(
  ctx: MethodContext,
  config: ADLConfig,
  graders: Graders = ctx.graders,
): Promise<MethodOutput> {
  checkConfig(config);
  const g = graders;
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
    for (const r of records)
      scalars[`steering_strength.L${r.direction.layer}.pos${r.direction.position}`] = r.threshold.avgThreshold;
  }
  return { readouts, steering, vectors: collectedVectors(collected), scalars };
}

/** An ADL method with some of the context's graders swapped (e.g. an LLM scale grader); the default export uses ctx.graders. */
export function createADLMethod(swap: Partial<Graders> = {}): DiffingMethod<ADLConfig> {
  return {
    id: 'adl',
    version: ADL_VERSION,
    description:
      'Activation Difference Lens (default): mean (finetuned - base) residual on unrelated text through the logit lens and a token-identity Patchscope, and steering at a searched strength',
    configSchema: ADL_CONFIG_SCHEMA,
    defaultConfig: DEFAULT_ADL_CONFIG,
    paperConfig: ADL_PAPER_CONFIG,
    needs: { generation: true, unrelatedText: true },
    checkConfig: (config) => checkConfig(mergeConfig(DEFAULT_ADL_CONFIG, config)),
    run: async (ctx, config) => {
      const out = await runADL(ctx, mergeConfig(DEFAULT_ADL_CONFIG, config), { ...ctx.graders, ...swap });
      return {
        ...out,
        readouts: scoredReadouts(out.readouts ?? []),
        details: { ...out.details, readouts: out.readouts },
      };
    },
  };
}

const adl = createADLMethod();
export default adl;
