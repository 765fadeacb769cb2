import { describe, expect, it } from 'vitest';
import { labelAgreement, scoreAgreement } from '../../src/metrics/agreement.ts';

describe('agreement between graders (UNKNOWN and NaN left out)', () => {
  it("computes Cohen's kappa on a textbook table and skips UNKNOWN pairs", () => {
    // 50 items: both yes 20, a yes/b no 5, a no/b yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4.
    const a = [...Array(20).fill('Y'), ...Array(5).fill('Y'), ...Array(10).fill('N'), ...Array(15).fill('N')];
    const b = [...Array(20).fill('Y'), ...Array(5).fill('N'), ...Array(10).fill('Y'), ...Array(15).fill('N')];
    expect(labelAgreement(a, b).value).toBeCloseTo(0.4, 12);
    expect(labelAgreement([...a, 'UNKNOWN'], [...b, 'Y'])).toEqual({ value: labelAgreement(a, b).value, n: 50 });
    expect(labelAgreement(['A', 'B', 'A'], ['A', 'B', 'A']).value).toBe(1);
    expect(labelAgreement(['A', 'A'], ['A', 'A']).value).toBeNaN();
  });

  it('computes Pearson correlation, ignoring NaN scores', () => {
    expect(scoreAgreement([1, 2, 3, 4], [2, 4, 6, 8]).value).toBeCloseTo(1, 12);
    expect(scoreAgreement([1, 2, 3, 4], [8, 6, 4, 2]).value).toBeCloseTo(-1, 12);
    // x = 1..5, y = 2,1,4,3,5: r = 0.8
    expect(scoreAgreement([1, 2, 3, 4, 5, NaN], [2, 1, 4, 3, 5, 1])).toEqual({ value: expect.closeTo(0.8, 12), n: 5 });
    expect(scoreAgreement([1, 1, 1], [1, 2, 3]).value).toBeNaN();
  });
});
