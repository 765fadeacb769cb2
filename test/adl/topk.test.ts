// topK's one-pass selection against the definition: a full sort by value (descending), ties by index.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { topK } from '../../src/adl/topk.ts';

const bySort = (v: ArrayLike<number>, k: number) =>
  Array.from({ length: v.length }, (_, i) => i)
    .sort((a, b) => v[b] - v[a] || a - b)
    .slice(0, Math.min(k, v.length));

describe('topK', () => {
  const rng = seedrandom('topk-test');
  const cases: [string, Float64Array][] = [
    ['distinct', Float64Array.from({ length: 3000 }, () => rng())],
    ['many ties', Float64Array.from({ length: 3000 }, () => Math.floor(rng() * 7))],
    ['ascending (worst case for the pass)', Float64Array.from({ length: 500 }, (_, i) => i)],
    ['all equal', new Float64Array(50).fill(0.25)],
  ];
  for (const [name, values] of cases) {
    it(`equals the sorted prefix: ${name}`, () => {
      for (const k of [1, 5, 20, 100, values.length, values.length + 3])
        expect(topK(values, k)).toEqual(bySort(values, k));
    });
  }
  it('k = 0 and NaN values behave as the sort defines', () => {
    expect(topK([3, 1, 2], 0)).toEqual([]);
    const withNaN = [0.5, NaN, 0.9, 0.1];
    expect(topK(withNaN, 2)).toEqual(bySort(withNaN, 2));
  });
});
