// Causal effect of the ADL vectors, measured as the toolkit's causal-effect stage does: for each source
// position p (0-8) the mean (finetuned − base) difference v_p at the middle layer; on evaluation text, at
// every token, the finetuned model's residual there gets the base model's component along v̂_p
//   h_ft + ((h_base − h_ft)·v̂_p) v̂_p
// and the cross-entropy of the next token is reported over all tokens and over the tokens after index
// `afterK`, beside the finetuned and base models' own, and beside the same intervention along random
// Gaussian directions and along random differences of two base-model activations (the controls). The
// toolkit evaluates on the organism's training data, pretraining text and chat text; the training series
// reads the ground truth, so a result with it is flagged as not a blind diffing method.
import seedrandom from 'seedrandom';
import { DEFAULT_ADL_CONFIG, mergeConfig } from '../../adl/config.ts';
import { collectStep, storeOf } from '../../adl/steps.ts';
import type { DiffingMethod, MethodOutput } from '../../method/types.ts';
import { layerOf } from '../shared/activations.ts';
import { ceSums, evaluationDocuments, type CeSums, type Series } from './measure.ts';
import { randomActivationDifferences, randomGaussianDirections, unit } from './directions.ts';
import { int } from '../../method/schema.ts';

export interface CausalConfig {
  /** Documents × tokens of unrelated text the position vectors are means over (ADL's collection). */
  samples: number;
  tokens: number;
  /** Relative layer (floor(r·(L−1)), as ADL). */
  layer: number;
  /** Source positions 0..positions−1, one vector each (the toolkit: 0-8). */
  positions: number;
  /** Evaluation texts per series, and the tokens each is cut to. */
  evalSamples: number;
  maxTokens: number;
  /** 'after' counts next-token targets at index > afterK (the toolkit: 20). */
  afterK: number;
  randomVectors: number;
  randomDiffVectors: number;
  series: Series[];
  batchSize: number;
}

const HELP = `For each source position p < positions: v_p = mean (finetuned − base) at resid_post.<layer> over 'samples'
unrelated documents of 'tokens' tokens. On each series' evaluation texts ('evalSamples', cut to 'maxTokens'),
the finetuned model's residual at that layer gets, at every token, the base model's component along v̂_p,
and the next-token cross-entropy (nats) is measured; the same along 'randomVectors' Gaussian directions and
'randomDiffVectors' differences of two random base-model activations (chat text where the suite has it,
else unrelated text).
Series: training (the organism's finetuning data: reads the ground truth, flagged), pretraining (the suite's
unrelated text), chat (the suite's chat data). Conversations go through the chat template and only targets
inside assistant messages count. A series without data is named in details.notMeasurable.
Returns scalars per series S:
  causal.S.ce.finetuned / .ce.base       the models' own CE over all targets
  causal.S.ce.pos<p>                     CE with the finetuned model's component along v̂_p set to the base's
  causal.S.ce.random / .ce.random_diff   mean CE over the random / random-difference directions
  causal.S.ce_after.*                    the same over targets after index afterK
Config: samples, tokens, layer, positions, evalSamples, maxTokens, afterK, randomVectors, randomDiffVectors,
series, batchSize.`;

/** Relations between config fields (the harness calls it before anything runs, so a bad value is exit 2). */
function checkConfig(config: CausalConfig): void {
  if (config.positions > config.tokens)
    throw new Error(`causal: positions (${config.positions}) must be at most tokens (${config.tokens})`);
}

const causal: DiffingMethod<CausalConfig> = {
  id: 'causal',
  version: '2',
  description:
    "Causal effect of the ADL vectors (the toolkit's): CE of the finetuned model with its component along each position's mean difference set to the base's at every token, vs 64 random and 64 random-difference directions, on training, pretraining and chat text",
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'samples',
      'tokens',
      'layer',
      'positions',
      'evalSamples',
      'maxTokens',
      'afterK',
      'randomVectors',
      'randomDiffVectors',
      'series',
      'batchSize',
    ],
    properties: {
      samples: int(1),
      tokens: int(6),
      layer: { type: 'number', minimum: 0, maximum: 1 },
      positions: int(1),
      evalSamples: int(1),
      maxTokens: int(2),
      afterK: int(0),
      randomVectors: int(0),
      randomDiffVectors: int(0),
      series: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: ['training', 'pretraining', 'chat'] },
      },
      batchSize: int(1),
    },
  },
  // the toolkit's causal_effect defaults (ADL's collection for the vectors)
  defaultConfig: {
    samples: 10000,
    tokens: 128,
    layer: 0.5,
    positions: 9,
    evalSamples: 1000,
    maxTokens: 1024,
    afterK: 20,
    randomVectors: 64,
    randomDiffVectors: 64,
    series: ['training', 'pretraining', 'chat'],
    batchSize: 2,
  },
  settings: {
    fast: {
      samples: 64,
      tokens: 16,
      evalSamples: 8,
      maxTokens: 32,
      randomVectors: 4,
      randomDiffVectors: 4,
      batchSize: 8,
    },
  },
  needs: {
    generation: false,
    unrelatedText: true,
    finetuningData: (config) => config.series.includes('training'),
    chatData: (config) => config.series.includes('chat'),
  },

  checkConfig,

  async run(ctx, config): Promise<MethodOutput> {
    checkConfig(config);
    const layer = layerOf(config.layer, ctx.finetuned.info.numLayers);
    const collected = await collectStep(
      ctx,
      mergeConfig(DEFAULT_ADL_CONFIG, {
        samples: config.samples,
        tokens: config.tokens,
        layers: [config.layer],
        positions: config.positions,
      }),
      storeOf(ctx),
    );
    const means = collected.layers[0].diff;
    const H = ctx.finetuned.info.hiddenSize;
    const rng = seedrandom(`${ctx.seed}/causal`);
    const random = randomGaussianDirections(config.randomVectors, H, rng);
    const randomDiff = await randomActivationDifferences(ctx, layer, config.randomDiffVectors, config.maxTokens, rng);
    const directions = [...means.map((v) => unit(Float64Array.from(v))), ...random, ...randomDiff.vectors];

    const scalars: Record<string, number> = {};
    const notMeasurable: Record<string, string> = {};
    const findings: string[] = [];
    for (const series of config.series) {
      const docs = await evaluationDocuments(ctx, series, config.evalSamples, config.maxTokens);
      if ('notMeasurable' in docs) {
        notMeasurable[series] = docs.notMeasurable;
        findings.push(`on ${series} text: not measurable (${docs.notMeasurable})`);
        continue;
      }
      const sums = await ceSums(ctx, docs, directions, {
        layer,
        afterK: config.afterK,
        batchSize: config.batchSize,
        step: `causal: ${series} text`,
      });
      Object.assign(scalars, seriesScalars(`causal.${series}`, sums, means.length, random.length));
      const p0 = scalars[`causal.${series}.ce.pos0`];
      findings.push(
        `on ${series} text${series === 'training' ? ' (reads the ground truth)' : ''}: CE finetuned ${fmt(scalars[`causal.${series}.ce.finetuned`])}, base ${fmt(scalars[`causal.${series}.ce.base`])}; the base's component along the position-0 vector ${fmt(p0)} (random directions ${fmt(scalars[`causal.${series}.ce.random`])}, random activation differences ${fmt(scalars[`causal.${series}.ce.random_diff`])})`,
      );
    }
    return {
      scalars,
      vectors: means.map((v, position) => ({ name: 'causal: position mean difference', layer, position, data: v })),
      details: {
        layer,
        positions: means.length,
        randomDiffSource: randomDiff.source,
        ...(Object.keys(notMeasurable).length ? { notMeasurable } : {}),
      },
      findings,
    };
  },
};

const fmt = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));

/** CE over all targets and after afterK, per model and direction group (means over the random groups). */
function seriesScalars(prefix: string, s: CeSums, positions: number, randoms: number): Record<string, number> {
  const out: Record<string, number> = {};
  const groups = (at: 'all' | 'after') => {
    const n = at === 'all' ? s.count.all : s.count.after;
    if (n === 0) return;
    const key = at === 'all' ? 'ce' : 'ce_after';
    const ce = (sum: number) => sum / n;
    out[`${prefix}.${key}.finetuned`] = ce(s.finetuned[at]);
    out[`${prefix}.${key}.base`] = ce(s.base[at]);
    s.directions.slice(0, positions).forEach((d, p) => (out[`${prefix}.${key}.pos${p}`] = ce(d[at])));
    const mean = (ds: CeSums['directions']) => ds.reduce((a, d) => a + ce(d[at]), 0) / ds.length;
    const rand = s.directions.slice(positions, positions + randoms),
      diffs = s.directions.slice(positions + randoms);
    if (rand.length) out[`${prefix}.${key}.random`] = mean(rand);
    if (diffs.length) out[`${prefix}.${key}.random_diff`] = mean(diffs);
  };
  groups('all');
  groups('after');
  return out;
}

export default causal;
