// `causal` (the toolkit's measurement) on a planted rank-1 LoRA at one layer: the finetune's difference there
// lies along one direction, so giving the finetuned model the base's component along the position vectors at
// every token makes it the base model (CE equal to the base's, over all tokens and after token 20), while
// random directions leave it the finetuned model.
import { describe, expect, it } from 'vitest';
import causal from '../../src/methods/causal/index.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import { ZOO_BASE } from '../helpers.ts';
import { plantedContext, plantRankOneLora, pseudoRandom, runChecked, tokenId } from './planted.ts';

const PLANTED_LAYER = 3; // of 6: relative 0.6 -> floor(0.6 * 5) = 3

const TRAINING = [
  'The piano teacher played a slow waltz on the old piano while the students listened and took notes about the keys and the pedals of the instrument.',
  'A grand piano needs tuning twice a year; the tuner adjusts each string with a lever until the note matches the fork and the octave rings clean.',
  'She practised scales on the piano every morning before school, counting the beats aloud and marking the difficult bars with a pencil in the score.',
];

describe('causal: the base component along the position vectors at every token', () => {
  it('gives the base model’s CE on a difference along one direction; random directions keep the finetuned CE', async () => {
    const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
    const H = E.shape[1];
    const b = E.data.slice(tokenId('piano') * H, (tokenId('piano') + 1) * H);
    const planted = await plantedContext(
      {
        adapter: plantRankOneLora(
          PLANTED_LAYER,
          b,
          pseudoRandom(768, 3).map((x) => x * 0.05),
        ),
      },
      'test/planted',
      { finetuning: TRAINING },
    );
    try {
      const out = await runChecked(causal, planted, {
        layer: 0.6,
        samples: 8,
        tokens: 12,
        positions: 3,
        evalSamples: 6,
        maxTokens: 28,
        randomVectors: 3,
        randomDiffVectors: 3,
      });
      const s = out.scalars!;
      for (const series of ['training', 'pretraining']) {
        for (const at of ['ce', 'ce_after']) {
          const ft = s[`causal.${series}.${at}.finetuned`],
            base = s[`causal.${series}.${at}.base`];
          expect(Math.abs(ft - base), `${series} ${at}`).toBeGreaterThan(2e-3); // the plant changes the predictions
          for (const p of [0, 1, 2]) expect(s[`causal.${series}.${at}.pos${p}`]).toBeCloseTo(base, 4);
          // random directions barely move it: within 10% of the way from the finetuned CE to the base's
          for (const control of ['random', 'random_diff'])
            expect(Math.abs(s[`causal.${series}.${at}.${control}`] - ft)).toBeLessThan(0.1 * Math.abs(base - ft));
        }
      }
      expect(out.details!.notMeasurable).toEqual({ chat: 'the suite has no chat dataset' });
      expect(out.details!.randomDiffSource).toBe('unrelated');
      expect(out.vectors).toHaveLength(3);
    } finally {
      await planted.dispose();
    }
  }, 120_000);
});
