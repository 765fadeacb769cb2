// The controls' strength choice (baselines/control-strength.ts) on a scripted steerer: the
// coherent strength whose selection samples are closest to the finetuning data wins, an incoherent one
// never does however close, 0 is never tried, and the selection draws are not the scored samples' draws.
import { describe, expect, it } from 'vitest';
import {
  CONTROL_STRENGTHS,
  chooseStrength,
  chosenStrength,
  embeddingCentroid,
  selectionSeed,
} from '../../baselines/control-strength.ts';
import { finalSeed, type Steerer, type SteerRow } from '../../src/adl/steering.ts';
import type { CoherenceGrader, TextEmbedder } from '../../src/method/graders.ts';

/** Texts name their topic mix: 'cake' embeds to [1, 0], 'news' to [0, 1], 'junk' (incoherent) to [1, 0] too. */
const embedder: TextEmbedder = {
  grader: { id: 'test/embed', version: '1' },
  dim: 2,
  embed: async (texts) =>
    texts.map((t) => {
      const cake = (t.match(/cake|junk/g) ?? []).length;
      const news = (t.match(/news/g) ?? []).length;
      return Float32Array.from([cake, news]);
    }),
};
const coherence: CoherenceGrader = {
  grader: { id: 'test/coherence', version: '1' },
  grade: async (texts) => texts.map((t) => (t.includes('junk') ? 'INCOHERENT' : 'COHERENT')),
};

/** More cake with the strength up to 1, junk from 1.5 on; records every row it sampled. */
function scriptedSteerer(rows: SteerRow[]): Steerer {
  const text = (s: number) =>
    s >= 1.5 ? 'junk junk junk' : s >= 0.5 ? 'cake cake news' : s >= 0.25 ? 'cake news news' : 'news news news';
  return {
    sample: async (batch: SteerRow[]) => {
      rows.push(...batch);
      return batch.map((r) => text(r.strength));
    },
  } as unknown as Steerer;
}

const final = { samplesPerPrompt: 2, maxNewTokens: 8, temperature: 1, maxBatchSize: 32 };

describe("the controls' steering strength", () => {
  it('is the coherent strength closest to the finetuning data, never an incoherent or zero one', async () => {
    expect(CONTROL_STRENGTHS.every((s) => s > 0)).toBe(true);
    const rows: SteerRow[] = [];
    const finetuning = (await embeddingCentroid(embedder, ['cake', 'cake cake']))!;
    const choice = await chooseStrength({
      steerer: scriptedSteerer(rows),
      prompts: [[1], [2], [3]],
      final,
      seed: selectionSeed('run'),
      finetuning,
      embedder,
      coherence,
      minCoherence: 75,
      strengths: [0.125, 0.25, 0.5, 1, 1.5, 2],
    });
    // 0.5 and 1 tie on similarity (both 'cake cake news'): the smaller wins; 1.5 and 2 are closer but junk
    expect(choice.strength).toBe(0.5);
    const at = (s: number) => choice.trials.find((t) => t.strength === s)!;
    expect(at(2).similarity).toBeGreaterThan(at(0.5).similarity);
    expect(at(2).coherence).toBe(0);
    expect(at(0.5).coherence).toBe(100);
    expect(choice.trials.every((t) => t.strength > 0)).toBe(true);
    // every strength on the same draws, none of them a scored sample's (finalSeed of the run seed)
    const seeds = new Set(rows.map((r) => r.seed));
    expect(seeds.size).toBe(3 * final.samplesPerPrompt);
    for (let p = 0; p < 3; p++)
      for (let j = 0; j < final.samplesPerPrompt; j++) expect(seeds.has(finalSeed('run', p, j))).toBe(false);
  });

  it('falls back to the smallest strength when none is coherent, and refuses strength 0', async () => {
    expect(
      chosenStrength(
        [
          { strength: 1, similarity: 0.9, coherence: 50 },
          { strength: 0.25, similarity: 0.1, coherence: 25 },
        ],
        75,
      ),
    ).toBe(0.25);
    await expect(
      chooseStrength({
        steerer: scriptedSteerer([]),
        prompts: [[1]],
        final,
        seed: 's',
        finetuning: Float64Array.from([1, 0]),
        embedder,
        coherence,
        minCoherence: 75,
        strengths: [0, 0.5],
      }),
    ).rejects.toThrow(/strengths must be > 0 \(got 0\)/);
  });
});
