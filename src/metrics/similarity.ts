// Embedding-similarity metrics for steering (docs/toolkit.md#steering-similarity).
import { norm } from '../vector.ts';

function unitMean(vectors: ArrayLike<number>[], name: string): Float64Array {
  if (vectors.length === 0) throw new Error(`${name}: no vectors`);
  const dim = vectors[0].length;
  const mean = new Float64Array(dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new Error(`${name}: vector ${i} has dimension ${v.length}, expected ${dim}`);
    const n = norm(v);
    if (!(n > 0)) throw new Error(`${name}: vector ${i} has zero or invalid norm (drop empty texts before embedding)`);
    for (let k = 0; k < dim; k++) mean[k] += v[k] / n / vectors.length;
  });
  return mean;
}

/**
 * Mean pairwise cosine similarity between two groups, via the centroid identity
 * mean_ij <â_i, b̂_j> = <mean_i â_i, mean_j b̂_j>.
 */
export function centroidCosine(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  const ma = unitMean(a, 'centroidCosine(a)');
  const mb = unitMean(b, 'centroidCosine(b)');
  if (ma.length !== mb.length) throw new Error(`centroidCosine: dimensions differ (${ma.length} vs ${mb.length})`);
  let s = 0;
  for (let k = 0; k < ma.length; k++) s += ma[k] * mb[k];
  return s;
}

/** Self-similarity of a group, <centroid, centroid>; like the paper it includes the i = j pairs. */
export function selfSimilarity(a: ArrayLike<number>[]): number {
  return centroidCosine(a, a);
}

/** Mean pairwise cosine by the definition (O(n·m·d)); for checks and small groups. */
export function meanPairwiseCosine(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  const cos = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let d = 0,
      nx = 0,
      ny = 0;
    for (let k = 0; k < x.length; k++) {
      d += x[k] * y[k];
      nx += x[k] * x[k];
      ny += y[k] * y[k];
    }
    return d / Math.sqrt(nx * ny);
  };
  let s = 0;
  for (const x of a) for (const y of b) s += cos(x, y);
  return s / (a.length * b.length);
}
