import { describe, expect, it } from 'vitest';
import { cohenKappa, pearson, ranks, spearman } from '../../src/metrics/agreement.ts';

describe("Cohen's kappa", () => {
  it('matches a worked example', () => {
    // 50 items: both yes 20, a yes/b no 5, a no/b yes 10, both no 15 -> po 0.7, pe 0.5 -> kappa 0.4
    const a = [...Array(20).fill('Y'), ...Array(5).fill('Y'), ...Array(10).fill('N'), ...Array(15).fill('N')];
    const b = [...Array(20).fill('Y'), ...Array(5).fill('N'), ...Array(10).fill('Y'), ...Array(15).fill('N')];
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
  });
  it('is 1 for perfect agreement, about -1 for systematic disagreement, NaN when undefined', () => {
    expect(cohenKappa(['A', 'B', 'A'], ['A', 'B', 'A'])).toBeCloseTo(1, 12);
    expect(cohenKappa(['A', 'B', 'A', 'B'], ['B', 'A', 'B', 'A'])).toBeCloseTo(-1, 12);
    expect(cohenKappa(['A', 'A'], ['A', 'A'])).toBeNaN();
    expect(() => cohenKappa(['A'], [])).toThrow(/1 vs 0/);
  });
});

describe('correlations', () => {
  it('Pearson: known values and invariance to affine maps', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it('Spearman: monotone maps give 1; ties get average ranks', () => {
    expect(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 125])).toBeCloseTo(1, 12);
    expect(ranks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    // scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505138
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 10);
  });
});
