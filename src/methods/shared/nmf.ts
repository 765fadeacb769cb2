// Non-negative matrix factorisation X ≈ W·H by Lee–Seung multiplicative updates, for grouping
// mined tokens into topics. X [n, m] >= 0, W [n, k], H [k, m]; deterministic initialisation.
import { xorshift32 } from '../../xorshift.ts';

export function nmf(
  x: Float64Array,
  n: number,
  m: number,
  k: number,
  iterations = 200,
  seed = 11,
): { W: Float64Array; H: Float64Array } {
  const uniform = xorshift32(seed);
  const rand = () => 0.1 + uniform();
  const W = Float64Array.from({ length: n * k }, rand);
  const H = Float64Array.from({ length: k * m }, rand);
  const eps = 1e-12;
  for (let it = 0; it < iterations; it++) {
    // H <- H ∘ (Wᵀ X) / (Wᵀ W H)
    const WtX = new Float64Array(k * m),
      WtW = new Float64Array(k * k);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < k; a++) {
        const w = W[i * k + a];
        if (w === 0) continue;
        for (let j = 0; j < m; j++) WtX[a * m + j] += w * x[i * m + j];
        for (let b = 0; b < k; b++) WtW[a * k + b] += w * W[i * k + b];
      }
    for (let a = 0; a < k; a++)
      for (let j = 0; j < m; j++) {
        let den = 0;
        for (let b = 0; b < k; b++) den += WtW[a * k + b] * H[b * m + j];
        H[a * m + j] *= WtX[a * m + j] / (den + eps);
      }
    // W <- W ∘ (X Hᵀ) / (W H Hᵀ)
    const HHt = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) for (let j = 0; j < m; j++) HHt[a * k + b] += H[a * m + j] * H[b * m + j];
    for (let i = 0; i < n; i++)
      for (let a = 0; a < k; a++) {
        let num = 0,
          den = 0;
        for (let j = 0; j < m; j++) num += x[i * m + j] * H[a * m + j];
        for (let b = 0; b < k; b++) den += W[i * k + b] * HHt[b * k + a];
        W[i * k + a] *= num / (den + eps);
      }
  }
  return { W, H };
}

/**
 * nmf() for a sparse X given as (row, col, value) triples (values >= 0, at most one per cell): the same
 * multiplicative updates, O(nnz·k + (n + m)·k²) per iteration, for millions of (document, position) rows.
 */
export function sparseNmf(
  x: { rows: Int32Array; cols: Int32Array; values: Float32Array },
  n: number,
  m: number,
  k: number,
  iterations = 200,
  seed = 11,
): { W: Float64Array; H: Float64Array } {
  const uniform = xorshift32(seed);
  const rand = () => 0.1 + uniform();
  const W = Float64Array.from({ length: n * k }, rand);
  const H = Float64Array.from({ length: k * m }, rand);
  const eps = 1e-12;
  const nnz = x.values.length;
  const gram = (M: Float64Array, count: number, rowMajorK: boolean) => {
    // rowMajorK: M is [count, k] (W); else M is [k, count] (H)
    const G = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let sum = 0;
        for (let i = 0; i < count; i++)
          sum += rowMajorK ? M[i * k + a] * M[i * k + b] : M[a * count + i] * M[b * count + i];
        G[a * k + b] = sum;
      }
    return G;
  };
  for (let it = 0; it < iterations; it++) {
    // H <- H ∘ (Wᵀ X) / (Wᵀ W H)
    const WtX = new Float64Array(k * m);
    for (let e = 0; e < nnz; e++) {
      const i = x.rows[e],
        j = x.cols[e],
        v = x.values[e];
      for (let a = 0; a < k; a++) WtX[a * m + j] += W[i * k + a] * v;
    }
    const WtW = gram(W, n, true);
    for (let j = 0; j < m; j++)
      for (let a = 0; a < k; a++) {
        let den = 0;
        for (let b = 0; b < k; b++) den += WtW[a * k + b] * H[b * m + j];
        H[a * m + j] *= WtX[a * m + j] / (den + eps);
      }
    // W <- W ∘ (X Hᵀ) / (W H Hᵀ)
    const XHt = new Float64Array(n * k);
    for (let e = 0; e < nnz; e++) {
      const i = x.rows[e],
        j = x.cols[e],
        v = x.values[e];
      for (let a = 0; a < k; a++) XHt[i * k + a] += v * H[a * m + j];
    }
    const HHt = gram(H, m, false);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < k; a++) {
        let den = 0;
        for (let b = 0; b < k; b++) den += W[i * k + b] * HHt[b * k + a];
        W[i * k + a] *= XHt[i * k + a] / (den + eps);
      }
  }
  return { W, H };
}
