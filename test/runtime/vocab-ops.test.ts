// Whole-vocabulary row operations in ONNX Runtime against their float64 definitions (the sampling
// softmax is compared in sampling.test.ts).
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { tokenNll } from '../../src/runtime/vocab-ops.ts';

describe('tokenNll', () => {
  const V = 3000,
    N = 40;
  const rng = seedrandom('vocab-ops');
  const logits = Float32Array.from({ length: N * V }, (_, i) => (i % V === 11 ? 25 : 12 * (rng() - 0.5)));
  const targets = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 11 : Math.floor(rng() * V)));

  it('is −log softmax(row)[target] within 2e-5 nats of float64 (max error printed)', async () => {
    const nll = await tokenNll(logits, V, targets);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const row = logits.subarray(i * V, (i + 1) * V);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      const ref = max + Math.log(sum) - row[targets[i]];
      worst = Math.max(worst, Math.abs(nll[i] - ref));
    }
    console.log(`tokenNll vs float64: max abs error ${worst.toExponential(2)} nats`);
    expect(worst).toBeLessThan(2e-5);
  });

  it('names a target outside the vocabulary and a logits buffer of the wrong size', async () => {
    await expect(tokenNll(logits, V, [...targets.slice(0, -1), V])).rejects.toThrow(
      /target 3000 of row 39 is outside the vocabulary \(0\.\.2999\)/,
    );
    await expect(tokenNll(logits.subarray(1), V, targets)).rejects.toThrow(/119999 logits is not 40 rows x 3000/);
  });
});
