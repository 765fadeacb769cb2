// Methods that generate: weight amplification (samples at LoRA scale a, against the runtime's own
// generation at that scale) and steering along a method's direction (rows match prompts, one entry per
// direction, within the protocol's budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amplification from '../../src/methods/amplification/index.ts';
import pca from '../../src/methods/pca/index.ts';
import { zooAdapter } from '../helpers.ts';
import { runChecked, plantedContext, plantRankOneLora, pseudoRandom, type PlantedContext } from './planted.ts';

describe('generating methods on a planted LoRA', () => {
  let planted: PlantedContext;
  beforeAll(async () => {
    planted = await plantedContext(
      {
        adapter: plantRankOneLora(
          3,
          pseudoRandom(256, 5),
          pseudoRandom(768, 6).map((x) => x * 0.2),
        ),
      },
      'zoo/planted',
    );
  }, 120_000);
  afterAll(async () => planted?.dispose());

  it('amplification: each a samples the model at LoRA scale a (the unsteered reference at a = 1), same seed', async () => {
    const out = await runChecked(amplification, planted, {
      alphas: [2, -1],
      prompts: 2,
      samplesPerPrompt: 2,
      maxNewTokens: 8,
    });
    expect(out.steering!.map((s) => [s.variant, s.strength])).toEqual([
      ['amplify-2', 2],
      ['amplify-neg1', 1],
    ]);
    const { ctx } = planted;
    const s = out.steering![1];
    const prompt = ctx.tokenizer.encode(s.prompts[0]);
    const rows = [
      prompt,
      prompt,
      ...s.prompts.slice(1).flatMap((p) => [ctx.tokenizer.encode(p), ctx.tokenizer.encode(p)]),
    ];
    const eos = new Set(ctx.finetuned.info.eosTokenIds);
    const at = async (scale: number) =>
      (
        await ctx.finetuned.generate({
          prompts: rows,
          maxNewTokens: 8,
          temperature: 0.8,
          seed: `${ctx.seed}/amplification`,
          loraScale: scale,
        })
      ).tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
    expect(s.steered.flat()).toEqual(await at(-1));
    expect(s.unsteered.flat()).toEqual(await at(1));
    expect(s.steered.flat()).not.toEqual(s.unsteered.flat()); // the amplification changes the samples, so the check can fail
  }, 120_000);

  it('pca steering: one entry per direction, rows match prompts, strength from the coherence search', async () => {
    const tiny = {
      threshold: { steps: 2, batchSteps: 1, samplesPerStrength: 2, maxNewTokens: 8 },
      final: { samplesPerPrompt: 1, maxNewTokens: 8, prompts: 2 },
      directions: 1,
    };
    const out = await runChecked(pca, planted, { layer: 0.6, samples: 8, tokens: 8, components: 2, steering: tiny });
    expect(out.steering).toHaveLength(1);
    const s = out.steering![0];
    expect(s.layer).toBe(3);
    expect(s.steered).toHaveLength(s.prompts.length);
    expect(s.unsteered).toHaveLength(s.prompts.length);
    expect(Number.isFinite(s.strength) && s.strength >= 0).toBe(true);
  }, 180_000);
});

it('amplification of a full finetune: a = 0 writes and loads the base weights, so it samples what the base model samples', async () => {
  const planted = await plantedContext({ model: zooAdapter('cake_bake_full') }, 'zoo/cake_bake_full');
  try {
    const out = await runChecked(amplification, planted, {
      alphas: [0, 2],
      prompts: 2,
      samplesPerPrompt: 2,
      maxNewTokens: 8,
    });
    const { ctx } = planted;
    const s = out.steering![0];
    const rows = s.prompts.flatMap((p) => [ctx.tokenizer.encode(p), ctx.tokenizer.encode(p)]);
    const eos = new Set(ctx.base.info.eosTokenIds);
    const base = (
      await ctx.base.generate({ prompts: rows, maxNewTokens: 8, temperature: 0.8, seed: `${ctx.seed}/amplification` })
    ).tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
    expect(s.steered.flat()).toEqual(base);
    expect(s.unsteered.flat()).not.toEqual(base); // the finetune samples differently, so the check can fail
    expect(out.steering![1].steered.flat()).not.toEqual(s.unsteered.flat());
  } finally {
    await planted.dispose();
  }
}, 180_000);
