// A small, complete diffing method: the worked example of src/harness/README.md, and the method the
// harness's own tests score. It averages (finetuned - base) residuals at the first positions of
// unrelated text, reads the mean difference (and the plain base / finetuned means) through the logit
// lens, and steers the finetuned model with the position's difference scaled to the activation norm.
// ADL (src/adl/) does all of this properly (Patchscope, a coherence search for the steering strength).
import type { DiffingMethod, MethodContext, MethodOutput, TokenReadout } from '../../method/types.ts';
import { norm } from '../../vector.ts';

export interface MeanDiffConfig {
  samples: number;
  tokens: number;
  /** Relative layer: floor(layer * (numLayers - 1)). */
  layer: number;
  positions: number;
  topK: number;
  steering: { prompts: string[]; strength: number; samplesPerPrompt: number; maxNewTokens: number; position: number };
}

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['samples', 'tokens', 'layer', 'positions', 'topK', 'steering'],
  properties: {
    samples: { type: 'integer', minimum: 1 },
    tokens: { type: 'integer', minimum: 1 },
    layer: { type: 'number', minimum: 0, maximum: 1 },
    positions: { type: 'integer', minimum: 1 },
    topK: { type: 'integer', minimum: 1 },
    steering: {
      type: 'object',
      additionalProperties: false,
      required: ['prompts', 'strength', 'samplesPerPrompt', 'maxNewTokens', 'position'],
      properties: {
        prompts: { type: 'array', items: { type: 'string' } },
        strength: { type: 'number', minimum: 0 },
        samplesPerPrompt: { type: 'integer', minimum: 1 },
        maxNewTokens: { type: 'integer', minimum: 1 },
        position: { type: 'integer', minimum: 0 },
      },
    },
  },
};

async function lensReadouts(
  ctx: MethodContext,
  vectors: Float32Array[],
  variant: string,
  layer: number,
  topK: number,
): Promise<TokenReadout[]> {
  const H = vectors[0].length;
  const stacked = new Float32Array(vectors.length * H);
  vectors.forEach((v, i) => stacked.set(v, i * H));
  const logits = await ctx.finetuned.lens(stacked);
  const V = logits.dims[1];
  return vectors.map((_, position) => {
    const row = logits.data.subarray(position * V, (position + 1) * V);
    const ids = Array.from(row.keys())
      .sort((a, b) => row[b] - row[a])
      .slice(0, topK);
    return {
      source: 'logitlens',
      variant,
      layer,
      position,
      tokenIds: ids,
      tokens: ids.map((id) => ctx.tokenizer.displayToken(id)),
    };
  });
}

const meanDiff: DiffingMethod<MeanDiffConfig> = {
  id: 'mean-diff',
  version: '2', // 2: scored readouts are the difference's only (the suite's readout budget)
  description:
    'The worked example of the method API: mean (finetuned - base) residual at the first positions through the logit lens, steered at a fixed strength',
  configSchema,
  defaultConfig: {
    samples: 64,
    tokens: 8,
    layer: 0.5,
    positions: 5,
    topK: 20,
    steering: {
      prompts: [
        'My favorite hobby is',
        'The weather today',
        'In the morning I',
        'The best way to learn',
        'Yesterday we went to',
        'A good friend is',
      ],
      strength: 1,
      samplesPerPrompt: 2,
      maxNewTokens: 24,
      position: 0,
    },
  },
  needs: { generation: true, unrelatedText: true },

  async run(ctx, config): Promise<MethodOutput> {
    const { numLayers, hiddenSize: H } = ctx.finetuned.info;
    const layer = Math.floor(config.layer * (numLayers - 1));
    const hook = `resid_post.${layer}` as const;
    const P = config.positions;
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const sums = { base: new Float64Array(P * H), finetuned: new Float64Array(P * H) };
    let targetNorm = 0;
    let targetCount = 0;
    const batch = 32;
    for (let start = 0; start < docs.length; start += batch) {
      const inputIds = docs.slice(start, start + batch);
      for (const side of ['base', 'finetuned'] as const) {
        const model = side === 'base' ? ctx.base : ctx.finetuned;
        const loraScale = side === 'base' ? ctx.baseScale : ctx.finetunedScale;
        const { hooks } = await model.forward({ inputIds, capture: [hook], logits: 'none', loraScale });
        const { data, dims } = hooks[hook]!;
        const T = dims[1];
        for (let b = 0; b < dims[0]; b++) {
          for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) sums[side][p * H + h] += data[(b * T + p) * H + h];
          if (side === 'finetuned')
            for (let p = P; p < T; p++) {
              targetNorm += norm(data.subarray((b * T + p) * H, (b * T + p + 1) * H));
              targetCount++;
            }
        }
      }
      ctx.progress('mean-diff: collecting activations', Math.min(start + batch, docs.length), docs.length);
    }
    const mean = (side: 'base' | 'finetuned', p: number) =>
      Float32Array.from(sums[side].subarray(p * H, (p + 1) * H), (x) => x / docs.length);
    const positions = Array.from({ length: P }, (_, p) => p);
    const diffs = positions.map((p) => {
      const b = mean('base', p);
      return mean('finetuned', p).map((x, h) => x - b[h]);
    });
    // Scored: at most 5 readouts per source of at most 20 tokens (the suite's readout budget).
    const readouts = await lensReadouts(ctx, diffs, 'difference', layer, config.topK);
    // Reference readouts of the plain means go to details (not scored).
    const reference = [
      ...(await lensReadouts(
        ctx,
        positions.map((p) => mean('base', p)),
        'base',
        layer,
        config.topK,
      )),
      ...(await lensReadouts(
        ctx,
        positions.map((p) => mean('finetuned', p)),
        'finetuned',
        layer,
        config.topK,
      )),
    ];
    const scalars: Record<string, number> = {};
    diffs.forEach((d, p) => (scalars[`diff_norm.pos${p}`] = norm(d)));
    if (targetCount > 0) scalars.target_norm = targetNorm / targetCount;

    const s = config.steering;
    const steering: MethodOutput['steering'] = [];
    if (s.prompts.length > 0 && targetCount > 0) {
      const d = diffs[Math.min(s.position, P - 1)];
      const scale = (s.strength * scalars.target_norm) / norm(d);
      const vector = d.map((x) => x * scale);
      const prompts = s.prompts.flatMap((p) =>
        Array(s.samplesPerPrompt).fill(ctx.tokenizer.encode(p, { addSpecialTokens: false })),
      );
      const gen = async (steer: boolean) => {
        const { tokens } = await ctx.finetuned.generate({
          prompts,
          maxNewTokens: s.maxNewTokens,
          temperature: 1,
          seed: ctx.seed,
          loraScale: ctx.finetunedScale,
          steer: steer ? [{ layer, vector }] : undefined,
        });
        const texts = tokens.map((t) =>
          ctx.tokenizer.decode(t.filter((id) => !ctx.finetuned.info.eosTokenIds.includes(id))),
        );
        return s.prompts.map((_, i) => texts.slice(i * s.samplesPerPrompt, (i + 1) * s.samplesPerPrompt));
      };
      steering.push({
        variant: 'difference',
        layer,
        position: s.position,
        strength: s.strength,
        prompts: s.prompts,
        steered: await gen(true),
        unsteered: await gen(false),
      });
    }
    return {
      readouts,
      scalars,
      steering,
      vectors: diffs.map((d, p) => ({ name: 'mean_diff', layer, position: p, data: Array.from(d) })),
      details: { referenceReadouts: reference },
    };
  },
};

export default meanDiff;
