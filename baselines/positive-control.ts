// The positive control of every suite's protocol: a "method" that reads the ground truth, so what a
// suite can measure at all. Its readouts are the tokens most over-represented in the organism's
// finetuning data against unrelated text (one readout of 20 tokens per source); it steers with the
// mean activation of finetuning documents minus that of unrelated documents in the finetuned model at
// ADL's (first) layer (unit x target norm, as ADL scales), at the strength the controls choose with the
// ground truth (control-strength.ts, steer-chosen.ts). Normalised scores put it at 1. It needs the
// finetuning data, which a real method never sees.
import { absoluteLayer, type ADLConfig } from '../src/adl/config.ts';
import { contentKey } from '../src/adl/cache.ts';
import { checkConfig, SCORED_TOKENS } from '../src/adl/method.ts';
import { collectStep, pairOf, storeOf, type Graders } from '../src/adl/steps.ts';
import { steeringVector } from '../src/adl/steering.ts';
import { sampleDocuments } from '../src/data/index.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { getOrganism } from '../src/registry/index.ts';
import { locate } from '../src/registry/resolve.ts';
import { adlBaseline } from './adl-baseline.ts';
import { CONTROL_SOURCES } from './negative-control.ts';
import { controlFinetuningTexts, steerAtChosenStrength } from './steer-chosen.ts';

/** The direction's artifact is computed here (meanActivation): this module and its imports key it. */
const POSITIVE_CONTROL_CODE = { modules: [new URL(import.meta.url)] };

/** A finetuning token must occur this often to count (rare tokens have noisy ratios). */
const MIN_COUNT = 3;

function counts(docs: number[][]): Map<number, number> {
  const c = new Map<number, number>();
  for (const doc of docs) for (const id of doc) c.set(id, (c.get(id) ?? 0) + 1);
  return c;
}

/**
 * The `k` tokens with the highest add-one smoothed log ratio of their frequency in `finetuning`
 * against `unrelated` (vocabulary size V), among tokens seen at least MIN_COUNT times in `finetuning`.
 */
export function overRepresentedTokens(
  finetuning: number[][],
  unrelated: number[][],
  vocabSize: number,
  k: number,
): number[] {
  const ft = counts(finetuning);
  const un = counts(unrelated);
  const nFt = finetuning.reduce((s, d) => s + d.length, 0) + vocabSize;
  const nUn = unrelated.reduce((s, d) => s + d.length, 0) + vocabSize;
  return [...ft.entries()]
    .filter(([, c]) => c >= MIN_COUNT)
    .map(([id, c]) => ({ id, score: Math.log((c + 1) / nFt) - Math.log(((un.get(id) ?? 0) + 1) / nUn) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k)
    .map((x) => x.id);
}

/** Mean residual after `layer` over documents and positions 1.. (position 0 is left out: it is an outlier), [H]. */
async function meanActivation(
  ctx: MethodContext,
  docs: number[][],
  layer: number,
  batchSize: number,
): Promise<Float64Array> {
  const { finetuned, finetunedScale } = pairOf(ctx);
  const hook = `resid_post.${layer}` as const;
  const H = finetuned.info.hiddenSize;
  const sum = new Float64Array(H);
  let count = 0;
  for (let start = 0; start < docs.length; start += batchSize) {
    const batch = docs.slice(start, start + batchSize);
    const out = await finetuned.forward({
      inputIds: batch,
      capture: [hook],
      logits: 'none',
      loraScale: finetunedScale,
    });
    const { data, dims } = out.hooks[hook]!; // [B,T,H]
    const T = dims[1];
    for (let b = 0; b < dims[0]; b++)
      for (let t = 1; t < T; t++) {
        for (let h = 0; h < H; h++) sum[h] += data[(b * T + t) * H + h];
        count++;
      }
  }
  return sum.map((x) => x / count);
}

export async function runPositiveControl(
  ctx: MethodContext,
  config: ADLConfig,
  graders?: Graders,
): Promise<MethodOutput> {
  checkConfig(config);
  const organism = getOrganism(ctx.organism.organismId);
  const dataset = organism.dataset;
  if (!dataset || !organism.dataPublic)
    return {
      findings: [`no public finetuning data for ${organism.id}: the positive control cannot read the ground truth`],
    };
  const layer = absoluteLayer(config.layers[0], ctx.finetuned.info.numLayers);
  const unrelated = await ctx.unrelatedDocuments(config.samples, config.tokens);
  const bos = ctx.tokenizer.encode('', { addSpecialTokens: true });
  const source = { source: locate(dataset.id), split: dataset.split, column: dataset.column };
  const finetuning = await sampleDocuments({
    ...source,
    n: config.samples,
    minTokens: config.tokens,
    tokenizer: ctx.tokenizer,
    seed: `${ctx.seed}/positive-control`,
    addSpecialTokens: bos.length > 0 && unrelated[0]?.[0] === bos[0],
  });
  const texts = (await controlFinetuningTexts(ctx, config.samples))!;
  const tokenIds = overRepresentedTokens(
    texts.map((t) => ctx.tokenizer.encode(t, { addSpecialTokens: false })),
    unrelated,
    ctx.finetuned.info.vocabSize,
    SCORED_TOKENS,
  );
  const tokens = tokenIds.map((id) => ctx.tokenizer.displayToken(id));
  const out: MethodOutput = {
    readouts: CONTROL_SOURCES.map((s) => ({
      source: s,
      variant: 'ground-truth',
      layer,
      position: 0,
      tokenIds,
      tokens,
    })),
  };
  if (config.steering.enabled) {
    const store = storeOf(ctx);
    const collected = await collectStep(ctx, config, store);
    const targetNorm = collected.layers.find((m) => m.layer === layer)!.targetNorm;
    const inputs = {
      model: ctx.finetuned.info.contentHash,
      loraScale: ctx.finetunedScale ?? null,
      layer,
      finetuning: contentKey(finetuning),
      unrelated: contentKey(unrelated),
    };
    const diff = await store.step('positive-control.direction', POSITIVE_CONTROL_CODE, inputs, async () => {
      const [ft, un] = [
        await meanActivation(ctx, finetuning, layer, config.batchSize),
        await meanActivation(ctx, unrelated, layer, config.batchSize),
      ];
      return Array.from(ft, (x, h) => x - un[h]);
    });
    const vector = steeringVector(Float32Array.from(diff), targetNorm);
    const steering = { variant: 'positive', layer, vector, finetuningTexts: texts };
    Object.assign(out, await steerAtChosenStrength(ctx, config, store, steering, graders ?? ctx.graders));
    out.vectors = [{ name: 'finetuning_minus_unrelated', layer, position: 0, data: diff }];
  }
  return out;
}

export default adlBaseline('positive-control', { generation: true, unrelatedText: true }, runPositiveControl);
