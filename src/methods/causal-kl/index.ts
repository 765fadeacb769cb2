// KL share of the ADL direction (DiffBench's own measurement, kept beside `causal`, which is the toolkit's):
// how much of the finetune's effect on next-token predictions runs through the mean difference direction d
// at the middle layer, on unrelated text (blind: it reads no finetuning data by default). At positions 0..positions-1 of held-out unrelated text
// the finetuned model's residual has its difference to the base removed along d̂:
//   h_ft − ((h_ft − h_base)·d̂) d̂                    ("ablate")
// and the KL(finetuned || base) of the next-token distributions is measured before and after, at the
// intervened positions and after them. The same is done along random unit vectors (the control).
// The toolkit also measures on finetuning and chat text: `finetuningText` / `chatText` add those series
// as a diagnostic (finetuning text reads the ground truth, so the result is flagged as not blind; chat
// text needs a suite with a chat dataset, which the zoo has not).
import seedrandom from 'seedrandom';
import type { DiffingMethod, MethodContext, MethodOutput } from '../../method/types.ts';
import type { ForwardResult } from '../../runtime/types.ts';
import { collectDiffs, layerOf } from '../shared/activations.ts';
import { norm } from '../../vector.ts';
import { klDivergence, logSoftmax } from '../../vector.ts';
import { seriesDocuments, type DiagnosticSeries } from '../shared/texts.ts';
import { int } from '../../method/schema.ts';

export interface CausalKlConfig {
  /** Documents × tokens for the direction (mean difference over positions 0..positions-1). */
  samples: number;
  /** Held-out documents the effect is measured on. */
  evalSamples: number;
  tokens: number;
  batchSize: number;
  layer: number;
  /** Positions 0..positions-1 are intervened on (the toolkit: 0-8). */
  positions: number;
  /** Random unit directions for the control. */
  randomDirections: number;
  /** Diagnostic: also measure on 'evalSamples' finetuning texts (reads the ground truth; the result is flagged). */
  finetuningText: boolean;
  /** Diagnostic: also measure on 'evalSamples' replies of the suite's chat dataset (where it has one). */
  chatText: boolean;
}

const HELP = `Direction d: the mean (finetuned − base) residual at resid_post.<layer> over positions 0..positions-1
of 'samples' unrelated documents. On 'evalSamples' other documents, removes the finetune's difference along
d̂ at those positions (h_ft − ((h_ft − h_base)·d̂) d̂) and measures KL(finetuned || base) before and after.
Returns scalars:
  causal_kl.kl                         KL(ft || base) per token at the intervened positions (nats)
  causal_kl.ablate.reduction           fraction of that KL removed by ablating along d̂
  causal_kl.ablate.reduction_after     the same at the later positions (the effect carried forward)
  causal_kl.random.reduction           mean fraction removed along random unit directions (the control)
  causal_kl.finetuning.* / causal_kl.chat.*   the same four on finetuning / chat text (finetuningText / chatText);
                                    a series that cannot be measured (no public data, no chat dataset) is
                                    named in details.notMeasurable and findings, without scalars
Config: samples, evalSamples, tokens (> positions), batchSize, layer, positions, randomDirections,
finetuningText and chatText (default false; finetuningText reads the ground truth, so the result is
marked readsGroundTruth and flagged as not a blind diffing method).`;

/** Mean KL(ft || base) per token over positions [from, to) of every row. */
function meanKL(ft: ForwardResult, base: ForwardResult, from: number, to: number): number {
  const [B, T, V] = ft.logits!.dims;
  const lf = new Float64Array(V),
    lb = new Float64Array(V);
  let sum = 0,
    n = 0;
  for (let b = 0; b < B; b++)
    for (let t = from; t < Math.min(to, T); t++) {
      const at = (b * T + t) * V;
      logSoftmax(ft.logits!.data.subarray(at, at + V), lf);
      logSoftmax(base.logits!.data.subarray(at, at + V), lb);
      sum += klDivergence(lf, lb);
      n++;
    }
  return n ? sum / n : 0;
}

async function forward(
  ctx: MethodContext,
  side: 'base' | 'finetuned',
  inputIds: number[][],
  extra: object,
): Promise<ForwardResult> {
  const model = side === 'base' ? ctx.base : ctx.finetuned;
  return model.forward({ inputIds, loraScale: side === 'base' ? ctx.baseScale : ctx.finetunedScale, ...extra });
}

interface AblationOptions {
  layer: number;
  /** Intervened positions 0..P-1; T tokens per document. */
  P: number;
  T: number;
  batchSize: number;
  /** Scalar prefix ('causal_kl', 'causal_kl.finetuning', ...). */
  prefix: string;
  step: string;
}

/**
 * KL(ft || base) on `docs` before and after ablating the finetune's difference along each of
 * `directions` (the first is d̂, the rest random), as scalars <prefix>.kl, .ablate.reduction(_after)
 * and .random.reduction, and the reduction along each random direction.
 */
async function ablationEffect(
  ctx: MethodContext,
  docs: number[][],
  directions: Float64Array[],
  o: AblationOptions,
): Promise<{ scalars: Record<string, number>; randoms: number[] }> {
  const { layer, P, T } = o;
  const hook = `resid_post.${layer}` as const;
  const H = directions[0].length;
  const klBefore = [0, 0],
    klAfter = directions.map(() => [0, 0]);
  let batches = 0;
  for (let start = 0; start < docs.length; start += o.batchSize) {
    const batch = docs.slice(start, start + o.batchSize);
    const B = batch.length;
    const base = await forward(ctx, 'base', batch, { capture: [hook], logits: 'all' });
    const ft = await forward(ctx, 'finetuned', batch, { capture: [hook], logits: 'all' });
    const hb = base.hooks[hook]!.data,
      hf = ft.hooks[hook]!.data;
    klBefore[0] += meanKL(ft, base, 0, P);
    klBefore[1] += meanKL(ft, base, P, T);
    for (const [k, dir] of directions.entries()) {
      const patch = Array.from({ length: P }, (_, p) => {
        const vector = new Float32Array(B * H);
        for (let b = 0; b < B; b++) {
          const at = (b * T + p) * H;
          let proj = 0;
          for (let h = 0; h < H; h++) proj += (hf[at + h] - hb[at + h]) * dir[h];
          for (let h = 0; h < H; h++) vector[b * H + h] = hf[at + h] - proj * dir[h];
        }
        return { layer, position: p, vector };
      });
      const ablated = await forward(ctx, 'finetuned', batch, { patch, logits: 'all' });
      klAfter[k][0] += meanKL(ablated, base, 0, P);
      klAfter[k][1] += meanKL(ablated, base, P, T);
    }
    batches++;
    ctx.progress(o.step, Math.min(start + o.batchSize, docs.length), docs.length);
  }
  const reduction = (k: number, at: 0 | 1) => (klBefore[at] > 0 ? 1 - klAfter[k][at] / klBefore[at] : 0);
  const randoms = directions.slice(1).map((_, i) => reduction(i + 1, 0));
  const scalars = {
    [`${o.prefix}.kl`]: klBefore[0] / batches,
    [`${o.prefix}.ablate.reduction`]: reduction(0, 0),
    [`${o.prefix}.ablate.reduction_after`]: reduction(0, 1),
    [`${o.prefix}.random.reduction`]: randoms.reduce((s, x) => s + x, 0) / randoms.length,
  };
  return { scalars, randoms };
}

/** Relations between config fields (the harness calls it before anything runs, so a bad value is exit 2). */
function checkConfig(config: CausalKlConfig): void {
  if (config.positions >= config.tokens)
    throw new Error(`causal-kl: positions (${config.positions}) must be below tokens (${config.tokens})`);
}

const causalKl: DiffingMethod<CausalKlConfig> = {
  id: 'causal-kl',
  version: '1',
  description:
    "KL share of the ADL direction: share of KL(ft||base) on unrelated text removed by ablating the difference along the pooled mean direction at positions 0-8, vs random directions (DiffBench's measurement; `causal` is the toolkit's)",
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'samples',
      'evalSamples',
      'tokens',
      'batchSize',
      'layer',
      'positions',
      'randomDirections',
      'finetuningText',
      'chatText',
    ],
    properties: {
      samples: int(1),
      evalSamples: int(1),
      tokens: int(2),
      batchSize: int(1),
      layer: { type: 'number', minimum: 0, maximum: 1 },
      positions: int(1),
      randomDirections: int(1),
      finetuningText: { type: 'boolean' },
      chatText: { type: 'boolean' },
    },
  },
  defaultConfig: {
    samples: 500,
    evalSamples: 64,
    tokens: 32,
    batchSize: 16,
    layer: 0.5,
    positions: 9,
    randomDirections: 3,
    finetuningText: false,
    chatText: false,
  },
  settings: { fast: { samples: 64, evalSamples: 16, tokens: 16 } },
  needs: {
    generation: false,
    unrelatedText: true,
    finetuningData: (config) => config.finetuningText,
    chatData: (config) => config.chatText,
  },

  checkConfig,

  async run(ctx, config): Promise<MethodOutput> {
    checkConfig(config);
    const layer = layerOf(config.layer, ctx.finetuned.info.numLayers);
    const all = await ctx.unrelatedDocuments(config.samples + config.evalSamples, config.tokens);
    const docs = all.slice(0, config.samples),
      held = all.slice(config.samples);
    const c = await collectDiffs(
      ctx,
      docs,
      layer,
      config.batchSize,
      Math.min(5, config.tokens - 1),
      'causal-kl: direction',
    );
    const { H, T } = c;
    const P = config.positions;
    const d = new Float64Array(H);
    for (let i = 0; i < c.N; i++)
      for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) d[h] += c.diffs[(i * T + p) * H + h];
    const unit = (v: Float64Array) => {
      const n = norm(v);
      return v.map((x) => x / n);
    };
    const rng = seedrandom(`${ctx.seed}/causal`);
    const directions = [
      unit(d),
      ...Array.from({ length: config.randomDirections }, () =>
        unit(Float64Array.from({ length: H }, () => rng() - 0.5)),
      ),
    ];

    const { scalars, randoms } = await ablationEffect(ctx, held, directions, {
      layer,
      P,
      T,
      batchSize: config.batchSize,
      prefix: 'causal_kl',
      step: 'causal-kl: ablations',
    });
    const notMeasurable: Record<string, string> = {};
    const series: DiagnosticSeries[] = [
      ...(config.finetuningText ? ['finetuning' as const] : []),
      ...(config.chatText ? ['chat' as const] : []),
    ];
    for (const name of series) {
      const docsOf = await seriesDocuments(ctx, name, config.evalSamples, config.tokens);
      if ('notMeasurable' in docsOf) notMeasurable[name] = docsOf.notMeasurable;
      else
        Object.assign(
          scalars,
          (
            await ablationEffect(ctx, docsOf.docs, directions, {
              layer,
              P,
              T,
              batchSize: config.batchSize,
              prefix: `causal_kl.${name}`,
              step: `causal-kl: ablations on ${name} text`,
            })
          ).scalars,
        );
    }
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const seriesFindings = series.map((name) =>
      name in notMeasurable
        ? `on ${name} text: not measurable (${notMeasurable[name]})`
        : `on ${name} text${name === 'finetuning' ? ' (reads the ground truth)' : ''}: ablating removes ${pct(scalars[`causal_kl.${name}.ablate.reduction`])} of KL(ft || base) (random directions ${pct(scalars[`causal_kl.${name}.random.reduction`])})`,
    );
    return {
      scalars,
      vectors: [{ name: 'causal-kl: mean difference direction', layer, position: 0, data: Array.from(directions[0]) }],
      details: {
        layer,
        positions: P,
        randomReductions: randoms,
        directionNorm: norm(d) / (c.N * P),
        ...(Object.keys(notMeasurable).length ? { notMeasurable } : {}),
      },
      findings: [
        `ablating the finetune's difference along the mean-difference direction at layer ${layer}, positions 0-${P - 1}, removes ${(100 * scalars['causal_kl.ablate.reduction']).toFixed(1)}% of KL(ft || base) there (${(100 * scalars['causal_kl.ablate.reduction_after']).toFixed(1)}% at later positions); random directions remove ${(100 * scalars['causal_kl.random.reduction']).toFixed(1)}%`,
        ...seriesFindings,
      ],
    };
  },
};

export default causalKl;
