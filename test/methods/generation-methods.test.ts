// Methods that generate: weight amplification (samples at LoRA scale a, against the runtime's own
// generation at that scale) and steering along a method's direction (rows match prompts, one entry per
// direction, within the protocol's budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amplification from '../../src/methods/amplification/index.ts';
import { amplifiedLayers, roundHalfEven } from '../../src/methods/amplification/amplified.ts';
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
    // the zoo's setting: every layer (the adapter's runtime scale), T 0.8, transformers' default top-k
    const ZOO = { layers: [0, 1], temperature: 0.8, topK: 50, topP: 1, repetitionPenalty: 1 };
    const out = await runChecked(amplification, planted, {
      ...ZOO,
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

  it("amplification at the toolkit's defaults: the LoRA amplified in layers 0..round(0.8(L-1)) only, T 1, top-p 0.9", async () => {
    const { ctx } = planted;
    const run = (layers: number[]) =>
      runChecked(amplification, planted, { alphas: [3], layers, prompts: 2, samplesPerPrompt: 2, maxNewTokens: 8 });
    const toolkit = { temperature: 1, topK: 0, topP: 0.9, repetitionPenalty: 1, seed: `${ctx.seed}/amplification` };
    const eos = new Set(ctx.finetuned.info.eosTokenIds);
    const at = async (prompts: string[], scale: number) =>
      (
        await ctx.finetuned.generate({
          prompts: prompts.flatMap((p) => [ctx.tokenizer.encode(p), ctx.tokenizer.encode(p)]),
          maxNewTokens: 8,
          ...toolkit,
          loraScale: scale,
        })
      ).tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
    // the plant is at layer 3 of 6: layers 0..round(0.8·5) = 0..4 amplify it, so the samples are the model's at scale 3
    const inRange = (await run([0, 0.8])).steering![0];
    expect(inRange.layer).toBe(0);
    expect(inRange.steered.flat()).toEqual(await at(inRange.prompts, 3));
    expect(inRange.unsteered.flat()).toEqual(await at(inRange.prompts, 1));
    expect(inRange.steered.flat()).not.toEqual(inRange.unsteered.flat());
    // 0..round(0.4·5) = 0..2 leave it alone: the amplified model is the finetune
    const outside = (await run([0, 0.4])).steering![0];
    expect(outside.steered).toEqual(outside.unsteered);
  }, 180_000);

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
      layers: [0, 1],
      temperature: 0.8,
      topK: 50,
      topP: 1,
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

it("the toolkit's layer rule: round(r·(L−1)) with Python's half-to-even rounding, inclusive", () => {
  expect(roundHalfEven(2.5)).toBe(2);
  expect(roundHalfEven(3.5)).toBe(4);
  expect(roundHalfEven(21.6)).toBe(22);
  expect(amplifiedLayers([0, 0.8], 28)).toEqual(Array.from({ length: 23 }, (_, i) => i)); // 0.8 · 27 = 21.6 -> 22
  expect(amplifiedLayers([0, 0.5], 6)).toEqual([0, 1, 2]); // 0.5 · 5 = 2.5 -> 2
  expect(amplifiedLayers([0, 1], 6)).toEqual([0, 1, 2, 3, 4, 5]);
});
