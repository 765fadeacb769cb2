// Small dense linear algebra for the methods: top eigenvectors of a symmetric operator by subspace
// iteration (PCA of activation differences, SVD of weight deltas).

import { dot, norm } from '../../vector.ts';
import { xorshift32 } from '../../xorshift.ts';

/** Deterministic pseudo-random start vectors (xorshift), so results do not depend on Math.random. */
function startVectors(dim: number, k: number, seed: number): Float64Array[] {
  const uniform = xorshift32(seed);
  const next = () => uniform() - 0.5;
  return Array.from({ length: k }, () => Float64Array.from({ length: dim }, next));
}

/**
 * Gram-Schmidt in place. A vector that is (numerically) in the span of the previous ones, i.e. the
 * operator's rank is below k, becomes zero: normalising its rounding noise would mix noise into the basis.
 */
function orthonormalize(vs: Float64Array[]): void {
  for (let i = 0; i < vs.length; i++) {
    const before = norm(vs[i]);
    for (let j = 0; j < i; j++) {
      const d = dot(vs[i], vs[j]);
      for (let t = 0; t < vs[i].length; t++) vs[i][t] -= d * vs[j][t];
    }
    const n = norm(vs[i]);
    const keep = n > 1e-300 && n > 1e-10 * before;
    for (let t = 0; t < vs[i].length; t++) vs[i][t] = keep ? vs[i][t] / n : 0;
  }
}

/**
 * The top-k eigenpairs of a symmetric positive semi-definite operator `apply(v) = M v` on R^dim, by
 * subspace iteration with a Rayleigh-Ritz step; eigenvalues descending. `iterations` 60 is plenty when
 * the leading eigenvalues are separated; the residual ‖Mv − λv‖ / λ is returned so callers can see.
 */
export function topEigen(
  apply: (v: Float64Array) => Float64Array,
  dim: number,
  k: number,
  iterations = 60,
  seed = 7,
): { values: number[]; vectors: Float64Array[]; residuals: number[] } {
  k = Math.min(k, dim);
  let vs = startVectors(dim, k, seed);
  orthonormalize(vs);
  for (let it = 0; it < iterations; it++) {
    vs = vs.map(apply);
    orthonormalize(vs);
  }
  // Rayleigh-Ritz: eigen-decompose the k×k projection (Jacobi), rotate the basis
  const mv = vs.map(apply);
  const small = vs.map((v) => mv.map((w) => dot(v, w)));
  const { values, vectors } = jacobiEigen(small);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const out = order.map((i) => {
    const v = new Float64Array(dim);
    for (let j = 0; j < k; j++) for (let t = 0; t < dim; t++) v[t] += vectors[j][i] * vs[j][t];
    return v;
  });
  const residuals = out.map((v, n) => {
    const w = apply(v);
    const lambda = values[order[n]];
    let r = 0;
    for (let t = 0; t < dim; t++) r += (w[t] - lambda * v[t]) ** 2;
    return lambda > 0 ? Math.sqrt(r) / lambda : 0;
  });
  return { values: order.map((i) => values[i]), vectors: out, residuals };
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: A = V diag(values) Vᵀ (V's columns). */
function jacobiEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p],
            mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k],
            mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p],
            vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: m.map((row, i) => row[i]), vectors: v };
}
