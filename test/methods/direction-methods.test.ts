// Weight SVD, PCA and activation-difference analysis get back a planted direction: a rank-1 LoRA on
// layer 3's down_proj whose output direction b is the unembedding row of a chosen token (planted.ts).
// ΔW = b·aᵀ, so the weight delta's top singular vector is ±b̂ with σ = ‖b‖·‖a‖, and the residual
// difference is zero before layer 3 and exactly rank 1 (along b) at layer 3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import actDiff from '../../src/methods/act-diff/index.ts';
import pca from '../../src/methods/pca/index.ts';
import weightSvd from '../../src/methods/weight-svd/index.ts';
import causalKl from '../../src/methods/causal-kl/index.ts';
import {
  runChecked,
  plantedContext,
  plantRankOneLora,
  pseudoRandom,
  tokenId,
  tokenizer,
  type PlantedContext,
} from './planted.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import { ZOO_BASE } from '../helpers.ts';
import { cosine } from '../../src/vector.ts';

const PLANTED_LAYER = 3; // of 6: relative 0.6 -> floor(0.6 * 5) = 3; 0.4 -> 2

describe('direction methods on a planted rank-1 LoRA', () => {
  let planted: PlantedContext;
  let svdVector: number[] | undefined;
  const target = tokenId('piano');
  const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
  const H = E.shape[1];
  const b = E.data.slice(target * H, (target + 1) * H); // tied: the unembedding row of ' piano'
  const a = pseudoRandom(768, 3).map((x) => x * 0.05);

  beforeAll(async () => {
    planted = await plantedContext({ adapter: plantRankOneLora(PLANTED_LAYER, b, a) });
  }, 120_000);
  afterAll(async () => planted?.dispose());

  it('weight-svd: the top direction is ±b with σ = ‖b‖·‖a‖, at the planted layer, read out as the planted token', async () => {
    const out = await runChecked(weightSvd, planted, {
      components: 2,
      readouts: 3,
      samples: 8,
      tokens: 8,
      steering: { enabled: false },
    });
    const v = out.vectors![0];
    expect(v.layer).toBe(PLANTED_LAYER);
    expect(Math.abs(cosine(v.data, b))).toBeGreaterThan(0.999);
    const sigma = Math.hypot(...b) * Math.hypot(...a);
    expect(out.scalars!['svd.sigma.0']).toBeCloseTo(sigma, 3);
    // every other module's delta is zero: no further direction has σ > 0
    expect(out.readouts!.length).toBe(1);
    const d = (
      out.details as { directions: { alignmentWithMeanDiff: number; tokens: string[]; oppositeSignTokens: string[] }[] }
    ).directions[0];
    expect(d.alignmentWithMeanDiff).toBeGreaterThan(0.999); // the difference at layer 3 is rank 1 along b
    const piano = tokenizer.displayToken(target);
    expect([d.tokens[0], d.oppositeSignTokens[0]]).toContain(piano);
    svdVector = v.data;
  }, 120_000);

  it('pca: the first component is ±b and explains all the variance at the planted layer', async () => {
    const out = await runChecked(pca, planted, {
      layer: 0.6,
      samples: 16,
      tokens: 10,
      components: 2,
      steering: { enabled: false },
    });
    expect(out.vectors![0].layer).toBe(PLANTED_LAYER);
    expect(Math.abs(cosine(out.vectors![0].data, b))).toBeGreaterThan(0.999);
    expect(out.scalars!['pca.explained.0']).toBeGreaterThan(0.999);
    expect(out.vectors!.length).toBe(1); // rank-1 differences: the zero-variance component is left out
    if (svdVector) expect(Math.abs(cosine(out.vectors![0].data, svdVector))).toBeGreaterThan(0.999);
    expect(out.readouts!.every((r) => r.tokens.length <= 20 && r.position < 5)).toBe(true);
  }, 120_000);

  it('act-diff: no difference before the planted layer; at it the peak differences lie along b', async () => {
    const before = await runChecked(actDiff, planted, { layer: 0.4, samples: 16, tokens: 10 });
    expect(before.scalars!['act_diff.norm.max']).toBeLessThan(1e-4);
    const at = await runChecked(actDiff, planted, { layer: 0.6, samples: 16, tokens: 10 });
    expect(at.scalars!['act_diff.norm.mean']).toBeGreaterThan(0.01);
    expect(Math.abs(cosine(at.vectors![0].data, b))).toBeGreaterThan(0.999);
    expect(at.readouts!.map((r) => r.source)).toEqual(['logitlens', 'contexts']);
  }, 120_000);
});

describe('causal-kl: KL share of the ADL direction on a planted rank-1 LoRA', () => {
  it('ablating the difference along the mean direction at the planted layer removes all of KL(ft || base) at those positions; random directions almost none', async () => {
    const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
    const H = E.shape[1];
    const b = E.data.slice(tokenId('piano') * H, (tokenId('piano') + 1) * H);
    const planted = await plantedContext({
      adapter: plantRankOneLora(
        PLANTED_LAYER,
        b,
        pseudoRandom(768, 3).map((x) => x * 0.05),
      ),
    });
    try {
      const out = await runChecked(causalKl, planted, {
        layer: 0.6,
        samples: 8,
        evalSamples: 8,
        tokens: 12,
        positions: 4,
        randomDirections: 2,
      });
      expect(out.scalars!['causal_kl.kl']).toBeGreaterThan(1e-3); // the LoRA changes the predictions, so a reduction can be measured
      expect(out.scalars!['causal_kl.ablate.reduction']).toBeGreaterThan(0.999); // layers 4-5 are the base's: logits become the base's
      expect(out.scalars!['causal_kl.random.reduction']).toBeLessThan(0.2);
      // later positions still see layer 3's difference: only part of their KL goes
      expect(out.scalars!['causal_kl.ablate.reduction_after']).toBeLessThan(0.9);
    } finally {
      await planted.dispose();
    }
  }, 120_000);
});
