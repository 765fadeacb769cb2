// `npm run check-organism` as a diffing method, so that it runs through the same harness run as
// `npm run bench` (the suite's unrelated text and null organism, the offline graders, a result file):
// the norm of the mean (finetuned − base) residual per position with a bootstrap CI at position 0,
// and the logit-lens tokens of the difference (source 'logitlens') and, as baselines, of the base and
// finetuned means (sources 'logitlens-base-mean', 'logitlens-finetuned-mean': the protocol's readout
// budget counts per source), scored by the harness as relevance.<source>.
import type { DiffingMethod, MethodOutput } from '../method/types.ts';
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
}

const READABILITY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['samples', 'tokens', 'layer', 'positions', 'bootstrap'],
  properties: {
    samples: { type: 'integer', minimum: 10 },
    tokens: { type: 'integer', minimum: 1 },
    layer: { type: 'number', minimum: 0, maximum: 1 },
    positions: { type: 'integer', minimum: 1 },
    bootstrap: { type: 'integer', minimum: 10 },
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
  version: '1',
  configSchema: READABILITY_SCHEMA,
  defaultConfig: { samples: 200, tokens: 8, layer: 0.5, positions: 5, bootstrap: 200 },
  needs: { generation: false, unrelatedText: true },
  async run(ctx, config): Promise<MethodOutput> {
    if (config.tokens < config.positions)
      throw new Error(`readability: tokens (${config.tokens}) must be >= positions (${config.positions})`);
    ctx.progress('readability', 0, 2);
    const documents = await ctx.unrelatedDocuments(config.samples, config.tokens);
    ctx.progress('readability', 1, 2);
    const r = await measureReadability(ctx, (id) => ctx.tokenizer.displayToken(id), {
      documents,
      layer: config.layer,
      positions: config.positions,
      bootstrap: config.bootstrap,
      seed: ctx.seed,
    });
    ctx.progress('readability', 2, 2);
    const scalars: Record<string, number> = { documents: documents.length, layer: r.layer };
    r.diffNorm.forEach((m, p) => (scalars[`diff_norm.pos${p}`] = m.estimate));
    scalars['diff_norm.pos0.lower'] = r.diffNorm[0].lower;
    scalars['diff_norm.pos0.upper'] = r.diffNorm[0].upper;
    return {
      readouts: r.lens.map((l) => ({
        source: READABILITY_SOURCES[l.variant],
        variant: l.variant,
        layer: r.layer,
        position: l.position,
        tokens: l.tokens,
        tokenIds: l.tokenIds,
      })),
      scalars,
    };
  },
};
