import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { centroidCosine, meanPairwiseCosine, selfSimilarity } from '../../src/metrics/similarity.ts';

function randomVectors(n: number, dim: number, seed: string, offset = 0): Float32Array[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1 + offset));
}

describe('centroidCosine', () => {
  it('equals the mean pairwise cosine on random, unnormalised data', () => {
    for (const [n, m, dim, offset] of [
      [7, 11, 16, 0],
      [30, 5, 64, 0.3],
      [1, 1, 3, -0.5],
    ] as const) {
      const a = randomVectors(n, dim, `a${n}`, offset).map((v, i) => v.map((x) => x * (1 + i))); // vary the norms
      const b = randomVectors(m, dim, `b${m}`, offset);
      expect(centroidCosine(a, b)).toBeCloseTo(meanPairwiseCosine(a, b), 6);
    }
  });

  it('is 1 for identical directions and -1 for opposite ones; symmetric', () => {
    const v = [Float32Array.of(1, 2, 3)];
    expect(centroidCosine(v, [Float32Array.of(2, 4, 6)])).toBeCloseTo(1, 12);
    expect(centroidCosine(v, [Float32Array.of(-1, -2, -3)])).toBeCloseTo(-1, 12);
    const a = randomVectors(5, 8, 'x'),
      b = randomVectors(6, 8, 'y');
    expect(centroidCosine(a, b)).toBeCloseTo(centroidCosine(b, a), 12);
  });

  it('selfSimilarity includes the i = j pairs', () => {
    const a = randomVectors(10, 32, 'self');
    const offDiagonal = (meanPairwiseCosine(a, a) * 100 - 10) / 90;
    expect(selfSimilarity(a)).toBeCloseTo(meanPairwiseCosine(a, a), 6);
    expect(selfSimilarity(a)).toBeGreaterThan(offDiagonal);
  });

  it('rejects empty groups, zero vectors and mismatched dimensions', () => {
    expect(() => centroidCosine([], [Float32Array.of(1)])).toThrow(/no vectors/);
    expect(() => centroidCosine([Float32Array.of(0, 0)], [Float32Array.of(1, 0)])).toThrow(/vector 0 has zero/);
    expect(() => centroidCosine([Float32Array.of(1, 0)], [Float32Array.of(1, 0, 0)])).toThrow(/dimensions differ/);
  });
});
