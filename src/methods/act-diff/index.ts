// Activation-difference analysis (the toolkit's activation_analysis): per-token norms of the finetuned −
// base residual at a layer over unrelated text, their statistics (overall and per position), and the
// contexts where the difference peaks (max-activating examples), with what the peak differences read as
// through the logit lens. As the toolkit, the norm statistics also cover the organism's training text
// (reads the ground truth: the result is flagged) and the suite's chat text.
import type { DiffingMethod, MethodOutput } from '../../method/types.ts';
import { layerOf } from '../shared/activations.ts';
import { contextText, lensReadouts, READOUTS_PER_SOURCE, tokenReadout } from '../shared/readouts.ts';
import { diffNorms, normStatistics, streamDiffNorms } from '../shared/norm-stats.ts';
import { seriesDocuments, type DiagnosticSeries } from '../shared/texts.ts';
import { int } from '../../method/schema.ts';

export interface ActDiffConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  /** Relative layer: floor(layer·(L−1)). */
  layer: number;
  /** Max-activating contexts are searched at positions ≥ this (the first tokens carry large norms in every model). */
  minPosition: number;
  /** Max-activating contexts kept. */
  contexts: number;
  /** Norm statistics on 'samples' finetuning texts too (reads the ground truth; the result is flagged). */
  finetuningText: boolean;
  /** Norm statistics on 'samples' replies of the suite's chat dataset too (where it has one). */
  chatText: boolean;
}

const HELP = `Collects finetuned − base at resid_post.<layer> for every token of N unrelated documents of n tokens.
Returns:
  scalars   act_diff.norm.mean / .std / .p25 / .p50 / .p75 / .p90 / .p95 / .p99 / .max / .min over all tokens,
            act_diff.norm.pos<p> (mean per position, p < 5), act_diff.relative (mean ‖diff‖ / mean ‖ft activation‖);
            act_diff.finetuning.norm.* / act_diff.chat.norm.* the same statistics on finetuning / chat text
            (finetuningText / chatText; a series without data is named in details.notMeasurable)
  readouts  source logitlens, variant max-activating (position 0): the lens of the mean difference over the top
            'contexts' tokens by norm; source contexts, variant max-activating (position 0): the tokens at those peaks
  details   the max-activating contexts (text, norm, position)
Config: samples, tokens, batchSize, layer, minPosition, contexts, finetuningText, chatText (the toolkit's default:
both; finetuningText marks the result readsGroundTruth).`;

const actDiff: DiffingMethod<ActDiffConfig> = {
  id: 'act-diff',
  version: '1',
  description:
    'Activation-difference analysis: per-token norms of ft - base residuals on unrelated text, statistics, max-activating contexts',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['samples', 'tokens', 'batchSize', 'layer', 'minPosition', 'contexts', 'finetuningText', 'chatText'],
    properties: {
      samples: int(1),
      tokens: int(2),
      batchSize: int(1),
      layer: { type: 'number', minimum: 0, maximum: 1 },
      minPosition: int(0),
      contexts: int(1),
      finetuningText: { type: 'boolean' },
      chatText: { type: 'boolean' },
    },
  },
  // the toolkit's activation_analysis: 50,000 samples of its 1,024-token context, batch 4, 100 max-activating
  // examples, chat + pretraining + training text
  defaultConfig: {
    samples: 50000,
    tokens: 1024,
    batchSize: 4,
    layer: 0.5,
    minPosition: 1,
    contexts: 100,
    finetuningText: true,
    chatText: true,
  },
  settings: { fast: { samples: 64, tokens: 16 } },
  needs: {
    generation: false,
    unrelatedText: true,
    finetuningData: (config) => config.finetuningText,
    chatData: (config) => config.chatText,
  },

  async run(ctx, config): Promise<MethodOutput> {
    const layer = layerOf(config.layer, ctx.finetuned.info.numLayers);
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const T = config.tokens;
    const { norms, targetNorm, peaks } = await streamDiffNorms(ctx, docs, {
      layer,
      batchSize: config.batchSize,
      skip: Math.min(5, config.tokens - 1),
      minPosition: config.minPosition,
      keep: config.contexts,
      step: 'act-diff: activations',
    });
    const H = ctx.finetuned.info.hiddenSize;
    const scalars: Record<string, number> = normStatistics('act_diff.norm', norms);
    const mean = scalars['act_diff.norm.mean'];
    if (targetNorm > 0) scalars['act_diff.relative'] = mean / targetNorm;
    const notMeasurable: Record<string, string> = {};
    const series: DiagnosticSeries[] = [
      ...(config.finetuningText ? ['finetuning' as const] : []),
      ...(config.chatText ? ['chat' as const] : []),
    ];
    for (const name of series) {
      const texts = await seriesDocuments(ctx, name, config.samples, config.tokens);
      if ('notMeasurable' in texts) notMeasurable[name] = texts.notMeasurable;
      else
        Object.assign(
          scalars,
          normStatistics(
            `act_diff.${name}.norm`,
            await diffNorms(ctx, texts.docs, layer, config.batchSize, `act-diff: ${name} text`),
          ),
        );
    }
    const N = docs.length;
    for (let p = 0; p < Math.min(T, READOUTS_PER_SOURCE); p++) {
      let s = 0;
      for (let d = 0; d < N; d++) s += norms[d * T + p];
      scalars[`act_diff.norm.pos${p}`] = s / N;
    }
    const peakMean = new Float32Array(H);
    for (const p of peaks) for (let h = 0; h < H; h++) peakMean[h] += p.diff[h] / peaks.length;
    const contexts = peaks.map(({ index: i }) => ({
      norm: norms[i],
      doc: Math.floor(i / T),
      position: i % T,
      context: contextText(ctx, docs[Math.floor(i / T)], i % T),
    }));
    // the tokens at the peaks, most frequent first
    const counts = new Map<number, number>();
    for (const { index: i } of peaks)
      counts.set(docs[Math.floor(i / T)][i % T], (counts.get(docs[Math.floor(i / T)][i % T]) ?? 0) + 1);
    const peakTokens = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const lens = await lensReadouts(ctx, [{ vector: peakMean, variant: 'max-activating', layer, position: 0 }]);
    return {
      readouts: [
        ...lens,
        tokenReadout(ctx, { source: 'contexts', variant: 'max-activating', layer, position: 0, tokenIds: peakTokens }),
      ],
      scalars,
      vectors: [{ name: 'max-activating mean difference', layer, position: 0, data: Array.from(peakMean) }],
      details: {
        maxActivatingContexts: contexts,
        layer,
        ...(Object.keys(notMeasurable).length ? { notMeasurable } : {}),
      },
      findings: [
        `mean ‖ft − base‖ at layer ${layer}: ${mean.toFixed(3)} (${((scalars['act_diff.relative'] ?? 0) * 100).toFixed(1)}% of the activation norm); max ${scalars['act_diff.norm.max'].toFixed(3)}`,
        `the largest differences read as: ${lens[0].tokens.slice(0, 10).join(' ')}`,
        ...contexts.slice(0, 5).map((x) => `‖diff‖ ${x.norm.toFixed(2)} at "${x.context}"`),
        ...series.map((name) =>
          name in notMeasurable
            ? `on ${name} text: not measurable (${notMeasurable[name]})`
            : `mean ‖ft − base‖ on ${name} text${name === 'finetuning' ? ' (reads the ground truth)' : ''}: ${scalars[`act_diff.${name}.norm.mean`].toFixed(3)}`,
        ),
      ],
    };
  },
};

export default actDiff;
