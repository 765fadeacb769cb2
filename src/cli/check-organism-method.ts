// check-organism's method: the readability measurements (src/harness/readability-method.ts) and, where
// the suite can measure steering, the steering evidence: the mean difference at the readout layer, at
// ADL's first steering position, steered into the finetuned model at the strength the protocol's controls
// choose (baselines/control-strength.ts: of 0.125-1 x the target norm, the coherent one whose selection
// samples come closest to the finetuning data). The harness scores its steering.gain (St-FT − USt-FT of
// the model's own samples) on the organism and on the null organism, both against the organism's
// finetuning data. Both choose their strength with the organism's data (`steering.data`, also on the null
// organism's run, where the context holds the null's own data), so the two differ only in the direction.
// It lives in the composition layer because it joins the harness's method with a baseline's steering.
import type { ADLConfig } from '../adl/config.ts';
import { ADL_CONFIG_SCHEMA, mergeConfig, DEFAULT_ADL_CONFIG } from '../adl/config.ts';
import { checkConfig } from '../adl/method.ts';
import { steeringVector } from '../adl/steering.ts';
import { storeOf } from '../adl/steps.ts';
import { readabilityMethod, type ReadabilityConfig } from '../harness/readability-method.ts';
import type { DiffingMethod, MethodOutput } from '../method/types.ts';
import { finetuningTexts, steerAtChosenStrength, type FinetuningData } from '../../baselines/steer-chosen.ts';

export interface CheckOrganismConfig extends ReadabilityConfig {
  /** Absent: readouts and norms only. */
  steering?: {
    /** The checked organism's finetuning data: what both runs' strength choice compares samples with. */
    data: FinetuningData;
    /** ADL's config for the suite's settings: steering layer's prompts, sampling, coherence bar, positions. */
    adl: ADLConfig;
  };
}

const SCHEMA = {
  ...readabilityMethod.configSchema,
  properties: {
    ...(readabilityMethod.configSchema as { properties: object }).properties,
    steering: {
      type: 'object',
      additionalProperties: false,
      required: ['data', 'adl'],
      properties: {
        data: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'split', 'column'],
          properties: { id: { type: 'string' }, split: { type: 'string' }, column: { type: 'string' } },
        },
        adl: ADL_CONFIG_SCHEMA,
      },
    },
  },
};

export const checkOrganismMethod: DiffingMethod<CheckOrganismConfig> = {
  ...(readabilityMethod as DiffingMethod<CheckOrganismConfig>),
  configSchema: SCHEMA,
  needs: { generation: true, unrelatedText: true },
  async run(ctx, config): Promise<MethodOutput> {
    const { steering, ...readability } = config;
    const out = await readabilityMethod.run(ctx, readability);
    if (!steering) return out;
    const adl = mergeConfig(DEFAULT_ADL_CONFIG, steering.adl);
    checkConfig(adl);
    const position = adl.steering.positions[0] ?? 0;
    const difference = out.vectors?.find((v) => v.name === 'difference' && v.position === position);
    if (!difference)
      throw new Error(`check-organism: no difference at position ${position} (positions: ${config.positions})`);
    if (difference.data.every((x) => x === 0))
      return { ...out, findings: [...(out.findings ?? []), `no difference at position ${position}: nothing to steer`] };
    const texts = await finetuningTexts(steering.data, adl.samples, `${ctx.seed}/check-organism/steering-data`);
    const targetNorm = out.scalars!.target_norm;
    const steered = await steerAtChosenStrength(
      ctx,
      adl,
      storeOf(ctx),
      {
        variant: 'difference', // steering.difference.* in the result file
        layer: difference.layer,
        vector: steeringVector(Float32Array.from(difference.data), targetNorm),
        finetuningTexts: texts,
      },
      ctx.graders,
    );
    return {
      ...out,
      steering: steered.steering,
      scalars: { ...out.scalars, ...steered.scalars },
      details: { ...out.details, ...steered.details },
    };
  },
};
