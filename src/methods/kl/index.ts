// KL / logit difference (the toolkit's kl method): per-token KL(finetuned || base) of the next-token
// distributions over unrelated (pretraining) text, where it peaks (max-activating contexts), and the tokens
// whose log-probability the finetune raises most on average. As the toolkit, it also measures KL over the
// organism's training text (`finetuningText`: the harness then gives ctx.finetuningTexts and flags the
// result as not blind) and the suite's chat text (`chatText`), conversations through the chat template
// (src/methods/shared/texts.ts); the zoo's setting turns both off.
import type { DiffingMethod, MethodContext, MethodOutput, TokenReadout } from '../../method/types.ts';
import { logSoftmax } from '../../vector.ts';
import { visitTokenKl } from '../shared/logprobs.ts';
import { contextText, READOUTS_PER_SOURCE, topTokenReadout } from '../shared/readouts.ts';
import { topK } from '../../adl/topk.ts';
import { seriesDocuments, type DiagnosticSeries } from '../shared/texts.ts';
import { int } from '../../method/schema.ts';

export interface KLConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  /** Readouts at document positions 0..positions-1 (the protocol scores positions 0-4). */
  positions: number;
  /** Max-activating contexts kept (highest per-token KL). */
  contexts: number;
  /** Also measure KL over 'samples' finetuning texts (reads the ground truth; the result is flagged). */
  finetuningText: boolean;
  /** Also measure KL over 'samples' replies of the suite's chat dataset (where it has one). */
  chatText: boolean;
}

/** mean, p95 and max of per-token KLs, as scalars under `prefix`. */
function klScalars(prefix: string, kls: number[]): Record<string, number> {
  const sorted = [...kls].sort((a, b) => a - b);
  return {
    [`${prefix}.mean`]: kls.reduce((s, x) => s + x, 0) / kls.length,
    [`${prefix}.p95`]: sorted[Math.floor(0.95 * (sorted.length - 1))],
    [`${prefix}.max`]: sorted[sorted.length - 1],
  };
}

const HELP = `Runs base and finetuned over N unrelated documents of n tokens and compares their next-token
distributions at every position.
Returns:
  readouts  source logitlens, variant logit-diff, positions 0..positions-1 (layer = last): the 20 tokens
            whose log-probability the finetune raises most on average at that document position
  scalars   kl.mean (nats per token), kl.p95, kl.max, kl.pos<p> (mean KL at position p)
            with finetuningText / chatText: kl.finetuning.* / kl.chat.* (mean / p95 / max) over finetuning /
            chat texts of 'tokens' tokens, and .ratio (that mean / the unrelated mean); conversations go
            through the chat template, every token scored (as the toolkit)
  details   the top tokens over all positions, the max-KL contexts with each model's top next tokens;
            each extra series' size, or why it is not measurable (no public data, no chat dataset)
  findings  the same in words
Config: samples, tokens, batchSize, positions (<= 5), contexts, finetuningText, chatText (the toolkit's
default: both; finetuningText reads the finetuning data, so the result is marked readsGroundTruth).`;

const kl: DiffingMethod<KLConfig> = {
  id: 'kl',
  version: '1',
  description:
    'KL / logit difference: per-token KL(ft||base) on unrelated text, max-KL contexts, tokens with the largest mean log-prob increase',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['samples', 'tokens', 'batchSize', 'positions', 'contexts', 'finetuningText', 'chatText'],
    properties: {
      samples: int(1),
      tokens: int(1),
      batchSize: int(1),
      positions: int(1, READOUTS_PER_SOURCE),
      contexts: int(0),
      finetuningText: { type: 'boolean' },
      chatText: { type: 'boolean' },
    },
  },
  // the toolkit's kl defaults: 10,000 samples of up to 1,024 tokens, batch 4, chat + pretraining + training text
  defaultConfig: {
    samples: 10000,
    tokens: 1024,
    batchSize: 4,
    positions: 5,
    contexts: 100,
    finetuningText: true,
    chatText: true,
  },
  settings: { fast: { samples: 64, tokens: 16, batchSize: 16 } },
  needs: {
    generation: false,
    unrelatedText: true,
    finetuningData: (config) => config.finetuningText,
    chatData: (config) => config.chatText,
  },

  async run(ctx, config): Promise<MethodOutput> {
    const { vocabSize: V, numLayers: L } = ctx.finetuned.info;
    const P = Math.min(config.positions, config.tokens);
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const perPosition = Array.from({ length: P }, () => new Float64Array(V)); // Σ (log p_ft − log p_base)
    const overall = new Float64Array(V);
    const klAt = Array.from({ length: P }, () => 0);
    const kls: number[] = [];
    const peaks: { doc: number; position: number; kl: number; ft: number[]; base: number[] }[] = [];
    const lf = new Float64Array(V),
      lb = new Float64Array(V);
    await visitTokenKl(
      ctx,
      docs,
      config.batchSize,
      'kl: forward passes',
      ({ doc, position, kl: k, ft, base }) => {
        kls.push(k);
        if (position < P) {
          klAt[position] += k;
          logSoftmax(ft, lf);
          logSoftmax(base, lb);
          const acc = perPosition[position];
          for (let v = 0; v < V; v++) acc[v] += lf[v] - lb[v];
        }
        // log softmax keeps a row's order, so the logits' top tokens are the log-probabilities'
        if (config.contexts > 0 && (peaks.length < config.contexts || k > peaks[peaks.length - 1].kl)) {
          peaks.push({ doc, position, kl: k, ft: topK(ft, 5), base: topK(base, 5) });
          peaks.sort((a, b) => b.kl - a.kl);
          if (peaks.length > config.contexts) peaks.pop();
        }
      },
      (sum) => {
        for (let v = 0; v < V; v++) overall[v] += sum[v];
      },
    );
    const readouts: TokenReadout[] = perPosition.map((score, position) =>
      topTokenReadout(ctx, score, { source: 'logitlens', variant: 'logit-diff', layer: L - 1, position }),
    );
    const scalars = klScalars('kl', kls);
    klAt.forEach((s, p) => (scalars[`kl.pos${p}`] = s / docs.length));
    const extra: { name: DiagnosticSeries; detail: object; finding: string }[] = [];
    for (const name of [
      ...(config.finetuningText ? ['finetuning' as const] : []),
      ...(config.chatText ? ['chat' as const] : []),
    ])
      extra.push({ name, ...(await textSeries(ctx, name, config, scalars)) });
    const show = (ids: number[]) => ids.map((id) => ctx.tokenizer.displayToken(id));
    const topOverall = show(topK(overall, 20));
    const contexts = peaks.map((p) => ({
      kl: p.kl,
      doc: p.doc,
      position: p.position,
      context: contextText(ctx, docs[p.doc], p.position),
      finetunedNext: show(p.ft),
      baseNext: show(p.base),
    }));
    return {
      readouts,
      scalars,
      details: {
        topTokensAllPositions: topOverall,
        maxKLContexts: contexts,
        ...Object.fromEntries(extra.map((e) => [`${e.name}Text`, e.detail])),
      },
      findings: [
        `tokens the finetune makes more likely on unrelated text: ${topOverall.join(' ')}`,
        ...extra.map((e) => e.finding),
        ...contexts
          .slice(0, 5)
          .map(
            (c) =>
              `KL ${c.kl.toFixed(2)} nats at "${c.context}": finetuned expects ${c.finetunedNext.join(' ')}; base ${c.baseNext.join(' ')}`,
          ),
      ],
    };
  },
};

/** KL over finetuning or chat texts, added to `scalars` as kl.<name>.*; or why it is not measurable. */
async function textSeries(
  ctx: MethodContext,
  name: DiagnosticSeries,
  config: KLConfig,
  scalars: Record<string, number>,
): Promise<{ detail: object; finding: string }> {
  const series = await seriesDocuments(ctx, name, config.samples, config.tokens);
  if ('notMeasurable' in series)
    return {
      detail: { notMeasurable: series.notMeasurable },
      finding: `KL over ${name} text: not measurable (${series.notMeasurable})`,
    };
  const kls: number[] = [];
  await visitTokenKl(ctx, series.docs, config.batchSize, `kl: ${name} text`, ({ kl: k }) => kls.push(k));
  Object.assign(scalars, klScalars(`kl.${name}`, kls));
  if (scalars['kl.mean'] > 0) scalars[`kl.${name}.ratio`] = scalars[`kl.${name}.mean`] / scalars['kl.mean'];
  const ratio = scalars[`kl.${name}.ratio`];
  return {
    detail: {
      documents: series.docs.length,
      tokens: config.tokens,
      format: series.templated ? 'chat template' : 'plain text',
    },
    finding: `KL over ${name} text${name === 'finetuning' ? ' (reads the ground truth)' : ''}: ${scalars[`kl.${name}.mean`].toFixed(3)} nats per token${ratio === undefined ? '' : `, ${ratio.toFixed(2)}x that on unrelated text`}`,
  };
}

export default kl;
