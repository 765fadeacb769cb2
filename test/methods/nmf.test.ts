// The sparse NMF (diff-mining's (document, position) rows) against the dense one on the same matrix, and
// that the factorisation fits a matrix made of k non-negative topics.
import { describe, expect, it } from 'vitest';
import { nmf, sparseNmf } from '../../src/methods/shared/nmf.ts';
import { pseudoRandom } from './planted.ts';

function sparseOf(x: Float64Array, n: number, m: number) {
  const rows: number[] = [],
    cols: number[] = [],
    values: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      if (x[i * m + j] !== 0) {
        rows.push(i);
        cols.push(j);
        values.push(x[i * m + j]);
      }
  return { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float32Array.from(values) };
}

describe('sparse NMF', () => {
  it('gives the dense updates’ W and H on the same sparse matrix', () => {
    const n = 40,
      m = 25;
    const r = pseudoRandom(n * m, 7);
    // ~70% zeros; values exactly representable in float32 so both see the same matrix
    const x = Float64Array.from(r, (v) => (v > 0.6 ? Math.fround(v) : 0));
    const dense = nmf(x, n, m, 3, 60);
    const sparse = sparseNmf(sparseOf(x, n, m), n, m, 3, 60);
    for (let i = 0; i < dense.W.length; i++) expect(sparse.W[i]).toBeCloseTo(dense.W[i], 9);
    for (let i = 0; i < dense.H.length; i++) expect(sparse.H[i]).toBeCloseTo(dense.H[i], 9);
  });

  it('recovers a matrix of two disjoint topics', () => {
    const n = 30,
      m = 10;
    const x = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (i % 2 === (j < 5 ? 0 : 1)) x[i * m + j] = 1 + (j % 3);
    const { W, H } = sparseNmf(sparseOf(x, n, m), n, m, 2, 300);
    let err = 0,
      total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const y = W[i * 2] * H[j] + W[i * 2 + 1] * H[m + j];
        err += (y - x[i * m + j]) ** 2;
        total += x[i * m + j] ** 2;
      }
    expect(err / total).toBeLessThan(1e-4);
  });
});
