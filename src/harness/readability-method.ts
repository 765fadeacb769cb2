// `npm run check-organism` as a diffing method, so that it runs through the same harness run as
// `npm run bench` (the suite's unrelated text and null organism, the offline graders, a result file):
// the norm of the mean (finetuned − base) residual per position with a bootstrap CI at position 0,
// and at the readout layer the logit-lens tokens of the difference (source 'logitlens') and, as
// baselines, of the base and finetuned means (sources 'logitlens-base-mean', 'logitlens-finetuned-mean':
// the protocol's readout budget counts per source), and the token-identity Patchscope of the difference
// (source 'patchscope', ADL's, the method's scale grader choosing the scale), all scored by the harness
// as relevance.<source>. The mean difference at the readout layer is returned as one vector per position
// (`difference`), for check-organism's steering evidence (src/cli/check-organism-method.ts).
import type { DiffingMethod, MethodOutput } from '../method/types.ts';
import { DEFAULT_ADL_CONFIG } from '../adl/config.ts';
import { patchscope } from '../adl/patchscope.ts';
import { measureReadability } from './readability.ts';

export interface ReadabilityConfig {
  /** Unrelated documents. */
  samples: number;
  /** Tokens per document (≥ positions). */
  tokens: number;
  /** Relative layer (0.5: the middle layer). */
  layer: number;
  positions: number;
  /** Bootstrap resamples of the position-0 norm's CI. */
  bootstrap: number;
  /** Absolute layer of the lens and Patchscope readouts (absent: the norm's layer). */
  readoutLayer?: number;
  /** Patchscope scales (× the target norm); [] leaves the Patchscope out. */
  patchscopeScales: number[];
}

const READABILITY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['samples', 'tokens', 'layer', 'positions', 'bootstrap', 'patchscopeScales'],
  properties: {
    samples: { type: 'integer', minimum: 10 },
    tokens: { type: 'integer', minimum: 1 },
    layer: { type: 'number', minimum: 0, maximum: 1 },
    positions: { type: 'integer', minimum: 1 },
    bootstrap: { type: 'integer', minimum: 10 },
    readoutLayer: { type: 'integer', minimum: 0 },
    patchscopeScales: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 } },
  },
};

/** The readout source of each lens variant. */
export const READABILITY_SOURCES = {
  difference: 'logitlens',
  base: 'logitlens-base-mean',
  finetuned: 'logitlens-finetuned-mean',
} as const;

export const readabilityMethod: DiffingMethod<ReadabilityConfig> = {
  id: 'readability',
  version: '4',
  configSchema: READABILITY_SCHEMA,
  // the zoo's fast Patchscope scales (benchmark/zoo/suite.json)
  defaultConfig: {
    samples: 200,
    tokens: 8,
    layer: 0.5,
    positions: 5,
    bootstrap: 200,
    patchscopeScales: [1, 2, 5, 10, 20, 60, 100],
  },
  needs: { generation: false, unrelatedText: true },
  async run(ctx, config): Promise<MethodOutput> {
    if (config.tokens < config.positions)
      throw new Error(`readability: tokens (${config.tokens}) must be >= positions (${config.positions})`);
    const steps = 2 + (config.patchscopeScales.length > 0 ? config.positions : 0);
    ctx.progress('readability', 0, steps);
    const documents = await ctx.unrelatedDocuments(config.samples, config.tokens);
    ctx.progress('readability', 1, steps);
    const r = await measureReadability(ctx, (id) => ctx.tokenizer.displayToken(id), {
      documents,
      layer: config.layer,
      ...(config.readoutLayer === undefined ? {} : { readoutLayer: config.readoutLayer }),
      positions: config.positions,
      bootstrap: config.bootstrap,
      seed: ctx.seed,
    });
    ctx.progress('readability', 2, steps);
    const H = ctx.finetuned.info.hiddenSize;
    const patchscopeReadouts = [];
    for (let p = 0; p < (config.patchscopeScales.length > 0 ? config.positions : 0); p++) {
      const latent = Float32Array.from(r.difference.subarray(p * H, (p + 1) * H));
      // no difference (an adapter without effect): nothing to patch in, no readout
      if (latent.every((x) => x === 0)) continue;
      const ps = await patchscope(ctx.finetuned, latent, ctx.graders.scale, {
        layer: r.readoutLayer,
        targetNorm: r.targetNorm,
        scales: config.patchscopeScales,
        intersectionTopK: DEFAULT_ADL_CONFIG.patchscope.intersectionTopK,
        tokensK: DEFAULT_ADL_CONFIG.patchscope.tokensK,
        loraScale: ctx.finetunedScale,
        encode: (t) => ctx.tokenizer.encode(t),
        displayToken: (id) => ctx.tokenizer.displayToken(id),
      });
      patchscopeReadouts.push({
        source: 'patchscope',
        variant: 'difference',
        layer: r.readoutLayer,
        position: p,
        tokens: ps.tokensAtBestScale,
        tokenIds: ps.tokenIdsAtBestScale,
        scale: ps.bestScale,
      });
      ctx.progress('readability', 3 + p, steps);
    }
    const scalars: Record<string, number> = {
      documents: documents.length,
      layer: r.layer,
      readout_layer: r.readoutLayer,
      target_norm: r.targetNorm,
    };
    r.diffNorm.forEach((m, p) => (scalars[`diff_norm.pos${p}`] = m.estimate));
    scalars['diff_norm.pos0.lower'] = r.diffNorm[0].lower;
    scalars['diff_norm.pos0.upper'] = r.diffNorm[0].upper;
    if (r.laterNorm) {
      scalars['diff_norm.later'] = r.laterNorm.estimate;
      scalars['diff_norm.later.lower'] = r.laterNorm.lower;
      scalars['diff_norm.later.upper'] = r.laterNorm.upper;
    }
    const vectors = Array.from({ length: config.positions }, (_, p) => ({
      name: 'difference',
      layer: r.readoutLayer,
      position: p,
      data: Array.from(r.difference.subarray(p * H, (p + 1) * H)),
    }));
    return {
      vectors,
      readouts: [
        ...r.lens.map((l) => ({
          source: READABILITY_SOURCES[l.variant],
          variant: l.variant,
          layer: r.readoutLayer,
          position: l.position,
          tokens: l.tokens,
          tokenIds: l.tokenIds,
        })),
        ...patchscopeReadouts,
      ],
      scalars,
    };
  },
};
