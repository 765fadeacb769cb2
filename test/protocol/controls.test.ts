// The controls' token choices on known inputs (no models): the positive control's over-represented
// tokens and the negative control's random ones.
import { describe, expect, it } from 'vitest';
import { overRepresentedTokens, randomTokenIds } from '../../baselines/index.ts';

describe('controls', () => {
  it('the positive control picks the tokens over-represented in the finetuning data, not the merely frequent ones', () => {
    // token 1 is frequent everywhere, 7 and 8 only in the finetuning data (7 more often), 9 too rarely to count
    const finetuning = [
      [1, 1, 7, 7, 8],
      [1, 7, 1, 8, 9],
      [7, 1, 8, 1, 1],
    ];
    const unrelated = [
      [1, 1, 2, 3, 1],
      [1, 4, 1, 5, 6],
      [1, 2, 1, 3, 1],
    ];
    expect(overRepresentedTokens(finetuning, unrelated, 50, 3)).toEqual([7, 8, 1]);
    expect(overRepresentedTokens(finetuning, unrelated, 50, 2)).toEqual([7, 8]);
    expect(overRepresentedTokens(finetuning, unrelated, 50, 10)).not.toContain(9);
  });

  it('the negative control draws distinct seeded tokens uniformly from the vocabulary', () => {
    const a = randomTokenIds(1000, 20, 's');
    expect(new Set(a).size).toBe(20);
    expect(a.every((id) => Number.isInteger(id) && id >= 0 && id < 1000)).toBe(true);
    expect(randomTokenIds(1000, 20, 's')).toEqual(a);
    expect(randomTokenIds(1000, 20, 't')).not.toEqual(a);
    // uniform: over many draws every decile of the vocabulary gets about a tenth
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 500; i++) for (const id of randomTokenIds(1000, 20, `u${i}`)) counts[Math.floor(id / 100)]++;
    for (const c of counts) expect(c / 10_000).toBeCloseTo(0.1, 1);
  });
});
