// Whole-vocabulary row operations in ONNX Runtime against their float64 definitions (the sampling
// softmax is compared in sampling.test.ts; the KL against the float64 JavaScript the kl method used before).
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { klDivergence, logSoftmax } from '../../src/vector.ts';
import { rowKl, tokenNll } from '../../src/runtime/vocab-ops.ts';

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

describe('rowKl', () => {
  const V = 3000,
    N = 30;
  const rng = seedrandom('vocab-kl');
  // rows 0-9: unrelated distributions (KL of several nats); 10-19: q a small perturbation of p (KL ~1e-3);
  // 20-29: identical rows (KL 0)
  const p = Float32Array.from({ length: N * V }, () => 10 * (rng() - 0.5));
  const q = Float32Array.from(p, (x, i) => {
    const row = Math.floor(i / V);
    return row < 10 ? 10 * (rng() - 0.5) : row < 20 ? x + 0.05 * (rng() - 0.5) : x;
  });
  const lp = new Float64Array(V),
    lq = new Float64Array(V);
  const reference = Array.from({ length: N }, (_, i) => {
    logSoftmax(p.subarray(i * V, (i + 1) * V), lp);
    logSoftmax(q.subarray(i * V, (i + 1) * V), lq);
    return { kl: klDivergence(lp, lq), diff: Float64Array.from(lp, (x, v) => x - lq[v]) };
  });

  it('is KL(softmax(p) || softmax(q)) per row within 2e-5 nats + 1e-5 relative of float64 (max error printed)', async () => {
    const { kl } = await rowKl(p, q, N, V);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const err = Math.abs(kl[i] - reference[i].kl);
      worst = Math.max(worst, err);
      expect(err, `row ${i}`).toBeLessThan(2e-5 + 1e-5 * reference[i].kl);
    }
    console.log(`rowKl vs float64: max abs error ${worst.toExponential(2)} nats`);
    expect(reference[0].kl).toBeGreaterThan(1); // the rows span large and small KLs
    expect(reference[15].kl).toBeLessThan(1e-2);
    expect([...kl.subarray(20)].every((k) => k >= 0 && k < 1e-6)).toBe(true);
  });

  it('sums the log-prob difference over rows within 1e-4 of float64', async () => {
    const { diffSum } = await rowKl(p, q, N, V);
    let worst = 0;
    for (let v = 0; v < V; v++) {
      let ref = 0;
      for (let i = 0; i < N; i++) ref += reference[i].diff[v];
      worst = Math.max(worst, Math.abs(diffSum[v] - ref));
    }
    console.log(`rowKl diffSum vs float64: max abs error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('names a logits buffer of the wrong size', async () => {
    await expect(rowKl(p, q.subarray(1), N, V)).rejects.toThrow(/rowKl: 89999 logits is not 30 rows x 3000/);
  });
});
